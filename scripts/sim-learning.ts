// npm run sim:learning [-- --seed=S] [--rounds=15] [--customers=600] [--history-weeks=26]
// Runs the shipped demo catalog (tooling/seed/catalog.ts) with the shipped
// caps, cool-downs, holdouts, forgetting and exploration through the real
// decision pipeline, against a hidden truth that depends on segment and on an
// individual signal and changes after round 10 (lib/metrics/simulation/learning.ts).
import { shippedLearningSimOptions } from "@/tooling/seed/sim-learning";
import { roundReaching, simulateLearning } from "@/lib/metrics/simulation/learning";

function arg(name: string, fallback: number): number {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  const value = hit ? Number(hit.slice(name.length + 3)) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
}
const seedArg = process.argv.find((a) => a.startsWith("--seed="))?.slice(7);
const opts = shippedLearningSimOptions({
  seed: seedArg ?? "sim-learning",
  rounds: arg("rounds", 15),
  customersPerRound: arg("customers", 600),
  historyWeeks: arg("history-weeks", 26),
});

const started = performance.now();
const result = simulateLearning(opts);
const f = (x: number) => x.toFixed(3);
console.log(
  `${opts.customersPerRound} fresh customers a round in 3 segments, ${opts.historyWeeks} weeks of history under the priors (${result.historyTrials} shown), ` +
    `half-life ${opts.halfLifeDays} days, exploration share ${opts.explorationShare}, truth changes after round ${opts.changeAfterRound}, seed "${opts.seed}"`,
);
console.log("round  learned  segment-only  static  oracle   (mean true P(accept) of the suggestions shown)");
for (const r of result.rounds) {
  console.log(`${String(r.round).padStart(5)}  ${f(r.acceptance.learned)}    ${f(r.acceptance.segmentOnly)}       ${f(r.acceptance.static)}   ${f(r.acceptance.oracle)}   shown ${r.shown.learned}`);
}
const at = (round: number) => result.rounds.find((r) => r.round === round);
const r10 = at(opts.changeAfterRound);
if (r10) {
  console.log(`oracle ratio at round ${r10.round}: ${f(r10.acceptance.learned / r10.acceptance.oracle)}`);
  console.log(`static ratio at round ${r10.round}: ${f(r10.acceptance.learned / r10.acceptance.static)}`);
  console.log(`individual vs segment-only acceptance at round ${r10.round}: ${f(r10.acceptance.learned)} vs ${f(r10.acceptance.segmentOnly)} (${f(r10.acceptance.learned / r10.acceptance.segmentOnly)}x)`);
}
const first90 = roundReaching(result, 0.9);
console.log(`first round at 90% of the oracle: ${first90 ?? "never"}`);
const recovered = roundReaching(result, 0.9, opts.changeAfterRound + 1);
console.log(`after the change (round ${opts.changeAfterRound + 1} on): back to 90% of the new oracle at round ${recovered ?? "never"}` + (recovered ? ` (${recovered - opts.changeAfterRound} rounds)` : ""));
// The same run without drift-triggered retraining: what forgetting alone recovers.
const plain = simulateLearning({ ...opts, driftRetrain: false, policies: ["learned", "oracle"] });
const plainBack = roundReaching(plain, 0.9, opts.changeAfterRound + 1);
console.log(`without drift retraining (forgetting alone): back to 90% at round ${plainBack ?? "never"}` + (plainBack ? ` (${plainBack - opts.changeAfterRound} rounds)` : ""));
console.log(`largest PSI of a signal against round 1: ${Math.max(...result.psi).toFixed(3)} (threshold ${opts.driftThresholds.psi})`);
for (const e of result.lifecycle.filter((x) => x.policy === "learned")) {
  const ll = (m: typeof e.champion) => (m ? m.logLoss.toFixed(3) : "-");
  console.log(
    `drift alarm round ${e.round} ${e.actionKey}: observed ${f(e.observed)} vs predicted ${f(e.predicted)} (z ${e.z.toFixed(1)}); shadow log loss champion ${ll(e.champion)} vs retrained ${ll(e.challenger)} -> ${e.promoted ? "promoted" : "kept"}`,
  );
}
console.log(`(${Math.round(performance.now() - started)} ms)`);
