/**
 * zod compiles fast object parsers with `new Function` unless told not to; the page's
 * Content-Security-Policy forbids eval, so every load would log a violation (and parse no
 * faster). Imported first by main.tsx, before any schema is built.
 */
import { z } from "zod";

z.config({ jitless: true });
