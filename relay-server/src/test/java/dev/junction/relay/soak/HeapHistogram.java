package dev.junction.relay.soak;

import dev.junction.relay.RelayProcess;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Live objects per class ({@code jcmd GC.class_histogram}, which collects first), so that a heap
 * that did not come back says which classes kept the bytes.
 */
record HeapHistogram(Map<String, Long> bytesByClass) {
    /** A row: {@code "   1:   12345   678900  java.lang.String (java.base@17)"}. */
    private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

    static HeapHistogram of(RelayProcess relay) throws Exception {
        Map<String, Long> bytes = new HashMap<>();
        for (String line : relay.jcmd("GC.class_histogram").split("\n")) {
            Matcher m = ROW.matcher(line);
            if (m.find()) {
                bytes.merge(m.group(3), Long.parseLong(m.group(2)), Long::sum);
            }
        }
        return new HeapHistogram(bytes);
    }

    /** The {@code n} classes that grew most from {@code before} to this, as "class +bytes (instances)" lines. */
    List<String> largestGrowthSince(HeapHistogram before, int n) {
        return bytesByClass.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.bytesByClass.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(n)
                .map(e -> String.format("%-60s %+,d bytes", e.getKey(), e.getValue()))
                .toList();
    }
}
