/** A share as the page's sentences print it: 0.9433 → "94.3 %" (one decimal, a space before %). */
export const percent = (share: number): string => `${(share * 100).toFixed(1)} %`;

/** The same for a rate with its interval (a card's figure): its point, "94.3 %". */
export const percentOfRate = (r: { rate: number }): string => percent(r.rate);
