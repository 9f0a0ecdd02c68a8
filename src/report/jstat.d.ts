/**
 * What npusim takes from jStat (the package ships no types): the quantile of Student's t
 * distribution and the normal's distribution function, for `npusim compare` of sets of runs
 * (compare-sets.ts).
 */
declare module 'jstat' {
  const jstat: {
    jStat: {
      studentt: {
        /** The p-quantile of Student's t with `dof` degrees of freedom (any positive real). */
        inv(p: number, dof: number): number;
      };
      normal: {
        /** The normal distribution function at x, of mean `mean` and standard deviation `sd`. */
        cdf(x: number, mean: number, sd: number): number;
      };
    };
  };
  export default jstat;
}
