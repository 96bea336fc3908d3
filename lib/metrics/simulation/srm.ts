// Sample ratio mismatch simulation: a split that is off (e.g. 46/54 when
// 50/50 was configured) must be flagged, and a split that works (hashing with
// inGlobalHoldout and a fresh salt) must be flagged only about 0.1% of the time.
import { inGlobalHoldout } from "@/lib/engine/holdout";
import { sampleRatioMismatch } from "../experiment";
import { randomId, seededRng, tally, type Tally } from "./random";

export type SrmSimOptions = {
  replicates: number;
  /** Customers per replicate of the working split (hashed with inGlobalHoldout). */
  customers: number;
  /** Replicates and customers per replicate of the broken split (drawn with the injected share). */
  brokenReplicates: number;
  brokenCustomers: number;
  /** Configured control share, e.g. 0.5. */
  expectedControlShare: number;
  /** Actual assignment probability of a broken split, e.g. 0.46. */
  injectedControlShare: number;
  seed?: string;
};

export type SrmSimResult = {
  /** Replicates of the broken split that were flagged (power; want ≈ 100%). */
  injectedFlagged: Tally;
  /** Replicates of the working split (inGlobalHoldout) that were flagged (false alarms; nominal 0.1%). */
  falseAlarms: Tally;
  /** Working split with p < 0.05 (nominal 5%: checks the whole p-value scale, not only its far tail). */
  nullBelow5pct: Tally;
};

export function simulateSrm(o: SrmSimOptions): SrmSimResult {
  const result: SrmSimResult = {
    injectedFlagged: { hits: 0, total: 0 },
    falseAlarms: { hits: 0, total: 0 },
    nullBelow5pct: { hits: 0, total: 0 },
  };
  const pct = o.expectedControlShare * 100;
  for (let r = 0; r < o.replicates; r++) {
    const rng = seededRng(`${o.seed ?? "srm"}|${r}`);
    const salt = randomId(rng, "salt-");
    let hashed = 0;
    for (let i = 0; i < o.customers; i++) if (inGlobalHoldout(randomId(rng, "c-"), salt, pct)) hashed++;
    const working = sampleRatioMismatch(o.customers - hashed, hashed, o.expectedControlShare);
    tally(result.falseAlarms, working.flagged);
    tally(result.nullBelow5pct, working.pValue < 0.05);
  }
  for (let r = 0; r < o.brokenReplicates; r++) {
    const rng = seededRng(`${o.seed ?? "srm"}|broken|${r}`);
    let injected = 0;
    for (let i = 0; i < o.brokenCustomers; i++) if (rng() < o.injectedControlShare) injected++;
    tally(result.injectedFlagged, sampleRatioMismatch(o.brokenCustomers - injected, injected, o.expectedControlShare).flagged);
  }
  return result;
}
