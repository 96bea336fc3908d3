// What each column of a treated-vs-control comparison means, in plain words
// (shown under the comparisons and printed with the review).

export const COMPARISON_TERMS: { term: string; definition: string }[] = [
  { term: "Treated / Control", definition: "The KPI in each group: customers Nudge worked on against customers deliberately left alone (the global holdout), or an action's shown recommendations against those it held back." },
  { term: "n", definition: "Units counted in the group: customer × holdout draw for the program, recommendations for an action." },
  { term: "Difference", definition: "Treated minus control. For rates in percentage points (pts); for amounts and counts in their own unit." },
  { term: "95% interval", definition: "The range of true differences compatible with the data. If it excludes zero, the difference is unlikely to be chance. Newcombe's interval for rates, Welch's for means." },
  { term: "p-value", definition: "How often a difference at least this large would appear by chance if treatment had no effect at all. Small (below 0.05) means unlikely to be chance." },
  { term: "MDE now (minimum detectable effect)", definition: "The smallest true difference this sample would detect 80% of the time at the 5% level (minimum detectable effect). Smaller true effects can go unseen." },
  { term: "Time to detect", definition: "How long, at the pace units have accrued so far, until the MDE shrinks to the difference observed: when an effect this size would be detectable. An estimate, not a promise." },
  { term: "Split (check)", definition: "Sample ratio mismatch test: is the control group the share of units the design says it should be (chi-square, flagged below p = 0.001)? A mismatch means the split is broken and the comparison cannot be trusted." },
  { term: "Verdict", definition: "Higher or lower when the 95% interval excludes zero (better or worse by the KPI's direction); no clear difference when it does not; small sample when a group has fewer than 30 units (or, for a rate, fewer than 5 successes or failures)." },
];

export function ComparisonGlossary({ title = "How to read the comparisons" }: { title?: string }) {
  return (
    <details className="glossary mt-3 rounded-lg border border-slate-200 bg-white px-3 py-2 text-xs text-slate-700" open>
      <summary className="cursor-pointer font-medium text-slate-800">{title}</summary>
      <dl className="mt-2 grid gap-x-6 gap-y-1.5 sm:grid-cols-2">
        {COMPARISON_TERMS.map((t) => (
          <div key={t.term}>
            <dt className="font-medium text-slate-900">{t.term}</dt>
            <dd>{t.definition}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}
