export * from "./close-codes.js";
export * from "./display-name.js";
export * from "./errors.js";
export * from "./frame.js";
export * from "./limits.js";
export * from "./rest.js";
export * from "./ws.js";
