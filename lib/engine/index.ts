// The decision engine's public API: pure functions, no I/O.
export * from "./signals";
export * from "./features";
export * from "./rules";
export * from "./consent";
export * from "./learning";
export * from "./propensity";
export * from "./drift";
export * from "./scoring";
export * from "./holdout";
export * from "./explain";
export * from "./template";
export * from "./arbitrate";
export * from "./pipeline";
export { formatMoney } from "./format";
export { utcDayNumber, utcDaysBetween, isoDate } from "./time";
export * from "./pick-probability";
export * from "./replay";
