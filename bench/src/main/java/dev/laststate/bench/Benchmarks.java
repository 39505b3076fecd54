package dev.laststate.bench;

import java.util.Arrays;

/**
 * The shaded jar's main class: the first argument picks the benchmark. Without one, or with anything else,
 * {@link PromoteBenchmark} runs with the arguments as they are, as it did when it was the jar's main class.
 *
 * <ul>
 *   <li>{@code java -jar laststate-bench.jar [sizes]}: {@link PromoteBenchmark}</li>
 *   <li>{@code java -jar laststate-bench.jar promote [sizes]}: the same</li>
 *   <li>{@code java -jar laststate-bench.jar relocated [stores] [shapes] [changes]}: {@link RelocatedPromotionBenchmark}</li>
 *   <li>{@code java -jar laststate-bench.jar cold-start [repo] [runs]}: {@link ColdStartBenchmark}</li>
 *   <li>{@code java -jar laststate-bench.jar across [repo] [shape] [heap]}: {@link AcrossStoresBenchmark}</li>
 * </ul>
 */
public final class Benchmarks {

    private Benchmarks() {}

    public static void main(String[] args) throws Exception {
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (args.length == 0 ? "" : args[0]) {
            case "promote" -> PromoteBenchmark.main(rest);
            case "relocated" -> RelocatedPromotionBenchmark.main(rest);
            case "cold-start" -> ColdStartBenchmark.main(rest);
            case "across" -> AcrossStoresBenchmark.main(rest);
            default -> PromoteBenchmark.main(args);
        }
    }
}
