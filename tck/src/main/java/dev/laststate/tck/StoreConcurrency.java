package dev.laststate.tck;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs store calls at the same time, for the races and bulk writes of {@link StoreContract}. */
final class StoreConcurrency {

    /** Generous: a hung store fails the test instead of hanging the build. */
    static final long TIMEOUT_SECONDS = 60;

    /** How many writers race for one object. */
    static final int CONTENDERS = 8;

    private StoreConcurrency() {}

    /** What one contender of a race does. */
    @FunctionalInterface
    interface Attempt<T> {
        T run(int contender) throws Exception;
    }

    /** How one contender's attempt ended: with a result or with a failure. */
    record Outcome<T>(int contender, Optional<T> result, Optional<Exception> failure) {
        boolean won() {
            return result.isPresent();
        }
    }

    /** What is done to each item of a bulk operation. */
    @FunctionalInterface
    interface ItemTask<I> {
        void run(I item) throws Exception;
    }

    /**
     * Starts {@code contenders} threads, lets them all wait behind one gate and opens it, so the attempts
     * overlap as much as the machine allows. Returns every outcome, in contender order.
     */
    static <T> List<Outcome<T>> race(int contenders, Attempt<T> attempt) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(contenders);
        try {
            CountDownLatch ready = new CountDownLatch(contenders);
            CountDownLatch gate = new CountDownLatch(1);
            List<Future<Outcome<T>>> futures = new ArrayList<>();
            for (int i = 0; i < contenders; i++) {
                int contender = i;
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    gate.await();
                    try {
                        return new Outcome<>(contender, Optional.of(attempt.run(contender)), Optional.empty());
                    } catch (Exception e) {
                        return new Outcome<T>(contender, Optional.empty(), Optional.of(e));
                    }
                }));
            }
            if (!ready.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new TimeoutException("the contenders did not start");
            }
            gate.countDown();
            List<Outcome<T>> outcomes = new ArrayList<>();
            for (Future<Outcome<T>> future : futures) {
                outcomes.add(future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Runs {@code task} for every item on {@code threads} threads; the first failure is rethrown. */
    static <I> void forEachInParallel(int threads, List<I> items, ItemTask<I> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (I item : items) {
                futures.add(pool.submit((Callable<Void>) () -> {
                    task.run(item);
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                await(future);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Runs the tasks on their own threads at once and returns their results, in order. */
    static <T> List<T> together(List<Callable<T>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(task));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(await(future));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private static <T> T await(Future<T> future) throws Exception {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }
}
