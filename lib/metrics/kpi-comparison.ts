// One business KPI's treated-vs-control comparison as the Impact and review
// pages show it: picks the comparison by the KPI's kind (a proportion's
// successes are the arm's sum) and words the time to detection, the split
// check and the verdict for a table cell. Pure.
import { compareMeans, compareProportions, studentTQuantile, type ArmCounts, type Comparison, type Interval } from "./experiment";
import { wilson } from "./proportions";
import type { KpiDefinition } from "./kpi-definitions";

/** An arm pair as lib/data/kpis.ts returns it (KpiArms). */
export interface KpiArmsInput {
  treated: ArmCounts;
  control: ArmCounts;
  /** 0 without units. */
  accrualDays: number;
  /** 0 without units. */
  expectedControlShare: number;
}

/**
 * compareProportions (x = sum) for a proportion KPI, compareMeans for a mean; no accrual or expected share is passed
 * when there are no units. `outcome`: the proportion's name in the statement ("retention"; default: conversion's wording).
 */
export function compareKpi(kind: KpiDefinition["kind"], a: KpiArmsInput, outcome?: string): Comparison {
  const accrualDays = a.accrualDays > 0 ? a.accrualDays : undefined;
  const expectedControlShare = a.expectedControlShare > 0 && a.expectedControlShare < 1 ? a.expectedControlShare : undefined;
  if (kind === "proportion") {
    return compareProportions({
      treated: { x: Math.round(a.treated.sum), n: a.treated.n },
      control: { x: Math.round(a.control.sum), n: a.control.n },
      accrualDays,
      expectedControlShare,
      outcome,
    });
  }
  return compareMeans({ treated: a.treated, control: a.control, accrualDays, expectedControlShare });
}

/** "about 9 days", "about 5 months", "over 2 years". */
export function durationText(days: number): string {
  if (days <= 90) return `about ${days} day${days === 1 ? "" : "s"}`;
  if (days <= 730) return `about ${Math.round(days / 30.4)} months`;
  return "over 2 years";
}

/** When the observed difference would be detectable at the current pace: "detectable now", "about 40 days", or why it cannot be said. */
export function detectionText(c: Comparison): string {
  if (c.verdict === "no-data") return "—";
  if (c.daysToDetect === 0) return "detectable now";
  if (c.daysToDetect !== null) return durationText(c.daysToDetect);
  if (c.difference === 0) return "no difference to detect";
  return "—";
}

/** The headline sentence: "About 40 days until an effect of this size would be detectable, at the current pace." */
export function detectionSentence(c: Comparison): string | null {
  if (c.verdict === "no-data" || c.mde === null) return null;
  if (c.daysToDetect === 0) return "An effect of this size is detectable now with this sample.";
  if (c.daysToDetect !== null) {
    return c.daysToDetect > 730
      ? "More than 2 years until an effect of this size would be detectable at the current pace: too small an effect for this sample."
      : `About ${c.daysToDetect} day${c.daysToDetect === 1 ? "" : "s"} until an effect of this size would be detectable, at the current pace.`;
  }
  return c.difference === 0 ? "No difference between the arms yet." : null;
}

/** Verdict for a cell, good or bad by the KPI's direction (churn going down is better). */
export function verdictText(c: Comparison, higherIsBetter: boolean): string {
  switch (c.verdict) {
    case "higher":
      return higherIsBetter ? "Higher: better" : "Higher: worse";
    case "lower":
      return higherIsBetter ? "Lower: worse" : "Lower: better";
    case "no-difference":
      return "No clear difference";
    case "too-small":
      return "Small sample";
    case "no-data":
      return c.treated.n === 0 ? "No treated units" : "No control units";
  }
}

/** The sample-ratio check in a word: "OK", "Mismatch", or "—" when it was not run. */
export function splitText(c: Comparison): "OK" | "Mismatch" | "—" {
  if (!c.srm) return "—";
  return c.srm.flagged ? "Mismatch" : "OK";
}

/**
 * 95% interval for one arm's KPI value: Wilson's score interval for a rate,
 * mean ± t(0.975, n − 1) · s / √n for a mean. Null without units (or, for a
 * mean, with fewer than two).
 */
export function armInterval(kind: KpiDefinition["kind"], a: ArmCounts): Interval | null {
  if (kind === "proportion") return a.n > 0 ? wilson(Math.round(a.sum), a.n) : null;
  if (a.n < 2) return null;
  const mean = a.sum / a.n;
  const sd = Math.sqrt(Math.max(0, (a.sumSq - a.n * mean * mean) / (a.n - 1)));
  const half = studentTQuantile(0.975, a.n - 1) * (sd / Math.sqrt(a.n));
  return { lower: mean - half, upper: mean + half };
}
