package dev.junction.bench.harness;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Min, median and max of repeated runs, printed as {@code median (min–max)}. */
record Stats(double min, double median, double max) {
    static Stats of(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (v.length == 0) {
            return new Stats(Double.NaN, Double.NaN, Double.NaN);
        }
        double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        return new Stats(v[0], median, v[v.length - 1]);
    }

    /** Per-run ratios a[i] / b[i] of paired runs. */
    static Stats ratios(List<Double> a, List<Double> b) {
        Double[] r = new Double[Math.min(a.size(), b.size())];
        for (int i = 0; i < r.length; i++) {
            r[i] = a.get(i) / b.get(i);
        }
        return of(Arrays.asList(r));
    }

    String format(String pattern) {
        if (Double.isNaN(median)) {
            return "n/a";
        }
        if (min == max) {
            return fmt(pattern, median);
        }
        return fmt(pattern, median) + " (" + fmt(pattern, min) + "–" + fmt(pattern, max) + ")";
    }

    static String fmt(String pattern, double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, pattern, v);
    }
}
