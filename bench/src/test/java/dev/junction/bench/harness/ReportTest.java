package dev.junction.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A run of some sections replaces only those in BENCHMARKS.md (it once deleted every other section). */
class ReportTest {
    static final String OLD = """
            # Benchmarks

            Written on day 1.

            ## Machine and settings

            - old machine

            ## 1. Relayed throughput

            | a | b |
            | 1 | 2 |

            ## 5. Session throughput

            | old five |

            ## 6. Connect times

            | old six |
            """;

    @Test
    void sectionsThatDidNotRunAreKeptInOrder() {
        String fresh = """
                # Benchmarks

                Written on day 2.

                ## Machine and settings

                - new machine

                ## 5. Session throughput

                | new five |
                """;
        String merged = Report.merge(fresh, OLD);
        assertThat(merged).contains("Written on day 2.").contains("- new machine").doesNotContain("old machine")
                .contains("| new five |").doesNotContain("| old five |")
                .contains("| a | b |").contains("| old six |")
                .contains("Sections 1, 6 were not part of this run");
        assertThat(merged.indexOf("## 1.")).isLessThan(merged.indexOf("## 5.")).isLessThan(merged.indexOf("## 6."));
    }

    @Test
    void aFullRunIsWrittenAsItIs() {
        String fresh = OLD.replace("old", "new");
        assertThat(Report.merge(fresh, OLD)).isEqualTo(fresh);
    }
}
