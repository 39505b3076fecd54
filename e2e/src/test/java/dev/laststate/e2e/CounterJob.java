package dev.laststate.e2e;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The job every scenario runs: a deterministic, rate-limited counter source (0, 1, 2, ...) keyed by
 * {@code i % KEYS}, and a per-key counter in keyed state. Element {@code i} is the
 * {@code (i / KEYS + 1)}-th of its key, so every observation of a run that restored both the source position and
 * the counters satisfies {@code count == i / KEYS + 1}; a run that lost the counters counts from 1 again, a run
 * that lost the source position starts at {@code i = 0}.
 */
final class CounterJob {

    static final int KEYS = 4;
    static final double ELEMENTS_PER_SECOND = 200;

    /** One element as the counter saw it. */
    record Observation(long element, long count) {
        boolean continued() {
            return count == element / KEYS + 1;
        }
    }

    // The collecting sink of these tests: the MiniCluster runs in this JVM. Keyed by run name, so runs never mix.
    private static final Map<String, ConcurrentLinkedQueue<Observation>> OBSERVED = new ConcurrentHashMap<>();

    private CounterJob() {}

    /** Submits the job under {@code run}, a name unique to this submission. */
    static JobClient submit(StreamExecutionEnvironment env, String run) throws Exception {
        OBSERVED.put(run, new ConcurrentLinkedQueue<>());
        DataGeneratorSource<Long> source = new DataGeneratorSource<>(i -> i, Long.MAX_VALUE,
                RateLimiterStrategy.perSecond(ELEMENTS_PER_SECOND), Types.LONG);
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "counter").uid("counter").setParallelism(1)
                .keyBy(i -> i % KEYS)
                .process(new CountPerKey(run)).uid("count-per-key").name("count-per-key");
        return env.executeAsync(run);
    }

    static List<Observation> observed(String run) {
        return List.copyOf(OBSERVED.getOrDefault(run, new ConcurrentLinkedQueue<>()));
    }

    static final class CountPerKey extends KeyedProcessFunction<Long, Long, Long> {
        private static final long serialVersionUID = 1L;

        private final String run;
        private transient ValueState<Long> count;

        CountPerKey(String run) {
            this.run = run;
        }

        @Override
        public void processElement(Long element, Context context, Collector<Long> out) throws Exception {
            if (count == null) {
                // Lazily, so the same code compiles against open(Configuration) (1.20) and open(OpenContext) (2.x).
                count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
            }
            long next = (count.value() == null ? 0 : count.value()) + 1;
            count.update(next);
            OBSERVED.computeIfAbsent(run, r -> new ConcurrentLinkedQueue<>()).add(new Observation(element, next));
        }
    }
}
