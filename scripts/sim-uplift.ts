// npm run sim:uplift [-- --replicates=2000] [--customers=20000] [--srm-replicates=20000] [--off-policy-replicates=400] [--no-bootstrap]
// Checks the dashboards' statistics against known truth (lib/metrics/simulation):
//  - uplift: coverage of the 95% intervals of compareProportions (program arm
//    split by inGlobalHoldout at 10%, each action's control by isControl) and
//    of compareMeans (revenue per customer), all with fixed seeds;
//  - SRM: a 46/54 split against 50/50 is flagged; the false-alarm rate of a
//    working (hashed) 50/50 split;
//  - off-policy: coverage of the SNIPS interval for a greedy target policy on
//    decisions logged under Thompson sampling.
import { sampleRatioMismatch } from "@/lib/metrics/experiment";
import { simulateOffPolicy } from "@/lib/metrics/simulation/off-policy";
import { share, type Tally } from "@/lib/metrics/simulation/random";
import { simulateSrm } from "@/lib/metrics/simulation/srm";
import { simulateUplift, type Spread } from "@/lib/metrics/simulation/uplift";

function arg(name: string, fallback: number): number {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  const value = hit ? Number(hit.slice(name.length + 3)) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
}
const pct = (t: Tally, digits = 1) => `${(share(t) * 100).toFixed(digits)} %`;
/** Monte Carlo standard error of a share, in points. */
const se = (t: Tally) => `±${(Math.sqrt((share(t) * (1 - share(t))) / t.total) * 100).toFixed(1)}`;
const spread = (sp: Spread, scale: number, unit: string) =>
  `estimates' sd ${(sp.empiricalSd * scale).toFixed(3)}${unit} vs the intervals' ${(sp.claimedSd * scale).toFixed(3)}${unit}, bias ${(sp.bias * scale).toFixed(3)}${unit}`;
const n = (v: number) => v.toLocaleString("en-US");

const replicates = arg("replicates", 2000);
const customers = arg("customers", 20_000);
const srmReplicates = arg("srm-replicates", 20_000);
const offPolicyReplicates = arg("off-policy-replicates", 400);
const bootstrap = !process.argv.includes("--no-bootstrap");

const started = performance.now();
const u = simulateUplift({ replicates, customers, seed: "sim-uplift" });
console.log(`uplift coverage: ${pct(u.program)} (program), ${pct(u.perActionPooled)} (per action), n=${replicates} replicates`);
console.log(
  `  ${n(customers)} customers per replicate, 10 % global holdout; true program uplift ${(u.truth.program * 100).toFixed(2)} points; per action: ` +
    Object.entries(u.perAction)
      .map(([k, t]) => `${k} (+${(u.truth.perAction[k]! * 100).toFixed(0)} pts) ${pct(t)}`)
      .join(", "),
);
console.log(
  `  Monte Carlo SE of the coverages: program ${se(u.program)}, per action pooled ${se(u.perActionPooled)} points; program ${spread(u.programSpread, 100, " pts")}`,
);
console.log(`revenue per customer (mean KPI, Welch) coverage: ${pct(u.programRevenue)} (program, true difference ${u.truth.programRevenue.toFixed(2)}), n=${replicates} replicates`);
console.log(`  revenue ${spread(u.programRevenueSpread, 1, "")}`);
console.log(`  p < 0.05 for the action with no true uplift: ${pct(u.nullRejections)} (nominal 5 %); program split flagged as SRM: ${u.srmFlags.hits} of ${u.srmFlags.total}`);

const fixed = sampleRatioMismatch(5400, 4600, 0.5);
const s = simulateSrm({
  replicates: srmReplicates,
  customers: 1000,
  brokenReplicates: 1000,
  brokenCustomers: 10_000,
  expectedControlShare: 0.5,
  injectedControlShare: 0.46,
  seed: "sim-srm",
});
console.log(
  `SRM: 46/54 split of 10,000 against 50/50 ${fixed.flagged ? "flagged" : "NOT flagged"} (chi-square ${fixed.chiSquare.toFixed(1)}, p = ${fixed.pValue.toExponential(1)}); ` +
    `injected 46 % control share flagged in ${pct(s.injectedFlagged)} of ${n(s.injectedFlagged.total)} replicates of 10,000`,
);
console.log(
  `SRM false-alarm rate: ${pct(s.falseAlarms, 2)} (${s.falseAlarms.hits} of ${n(s.falseAlarms.total)} hashed 50/50 splits of 1,000, nominal 0.1 %); p < 0.05 in ${pct(s.nullBelow5pct)} (nominal 5 %)`,
);

const o = simulateOffPolicy({ replicates: offPolicyReplicates, decisions: 2000, bootstrap, seed: "sim-off-policy" });
const p = o.primary;
console.log(
  `off-policy coverage: ${pct(o.delta)} (SNIPS, delta method)${o.bootstrap ? `, ${pct(o.bootstrap)} (percentile bootstrap)` : ""}, n=${offPolicyReplicates} replicates of 2,000 decisions; ` +
    `target's true acceptance ${(o.truth * 100).toFixed(1)} %, mean bias ${(o.bias * 100).toFixed(2)} points, mean effective sample size ${o.meanEffectiveSampleSize.toFixed(0)}`,
);
console.log(
  `  primary replicate: estimate ${((p.estimate ?? NaN) * 100).toFixed(1)} % (95% CI ${((p.ci?.lower ?? NaN) * 100).toFixed(1)} % to ${((p.ci?.upper ?? NaN) * 100).toFixed(1)} %), ${p.covered ? "covers" : "DOES NOT cover"} the truth`,
);
console.log(`(${((performance.now() - started) / 1000).toFixed(0)} s)`);
