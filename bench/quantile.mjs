// The benchmarks' one statistic: the q-quantile of samples (nearest rank), and the median.
export const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.round(q * (xs.length - 1))];
export const median = (xs) => quantile(xs, 0.5);
