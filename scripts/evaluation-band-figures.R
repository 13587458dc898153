# The figures of docs/evaluation.md ("Why the interval rule"): how often a ±10% band
# around the baseline (長与町's B) grades sampling noise as a change, and how often it
# calls a real change "no change", for n respondents in each of two waves (baseline wave
# and evaluated wave, independent samples, as the product compares 2026 and 2028).
#
#   Rscript scripts/evaluation-band-figures.R
#
# Assumptions, stated in the docs: a vision score (mean of four items on 0-100) with
# sd 20; a single item on 0-100 with sd 28 (about 1.1 scale points); a top-2-box share
# around 40% (binomial). The band is 10% of the baseline: ±5 points for a score of 50,
# ±4 points for a share of 40%.

z <- qnorm(0.975)
rows <- list()
for (n in c(200, 1000)) {
  for (m in list(list(what = "vision score (sd 20)", base = 50, se1 = 20 / sqrt(n)),
                 list(what = "single item (sd 28)", base = 50, se1 = 28 / sqrt(n)),
                 list(what = "top-2 share (40%)", base = 40, se1 = 100 * sqrt(0.4 * 0.6 / n)))) {
    se <- sqrt(2) * m$se1                       # SE of the change between two waves
    band <- 0.10 * m$base
    noise <- 2 * pnorm(-band / se)              # true change 0, graded A or C
    detect80 <- (z + qnorm(0.80)) * se          # change found significant 80% of the time
    # A real change of 80% of the band: significant how often, graded B how often.
    d <- 0.8 * band
    significant <- pnorm(d / se - z) + pnorm(-d / se - z)
    graded_b <- pnorm((band - d) / se) - pnorm((-band - d) / se)
    rows[[length(rows) + 1]] <- data.frame(
      n = n, figure = m$what, band = band, se_change = se, ci_half = z * se,
      noise_graded_A_or_C_pct = 100 * noise, detectable_80pct_power = detect80,
      true_change = d, significant_pct = 100 * significant, graded_B_pct = 100 * graded_b)
  }
}
out <- do.call(rbind, rows)
print(format(out, digits = 3), row.names = FALSE)
