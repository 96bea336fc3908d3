// Runs in the browser before the app's own modules (and before hydration).
//
// zod 4 probes whether it may compile parsers with `new Function` the first
// time a schema is built; under our Content-Security-Policy (no 'unsafe-eval')
// the probe is refused and the browser reports a CSP violation, though zod
// catches it. jitless skips the probe (and the compiled fast path, which the
// small forms here do not need). The server keeps the fast path.
import { z } from "zod";

z.config({ jitless: true });
