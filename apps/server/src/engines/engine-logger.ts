/**
 * The little logging the engines need (connection trouble, swept presence). Pino's loggers fit
 * this shape (`logger.warn({ err }, "message")`), and so does `console`.
 */
export interface EngineLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Default when no logger is given: warnings and errors to stderr, info dropped. */
export const consoleLogger: EngineLogger = {
  info: () => {},
  warn: (obj, msg) => console.warn(msg ?? "", obj),
  error: (obj, msg) => console.error(msg ?? "", obj),
};

/** Drops everything (tests that provoke connection errors on purpose). */
export const silentLogger: EngineLogger = { info: () => {}, warn: () => {}, error: () => {} };
