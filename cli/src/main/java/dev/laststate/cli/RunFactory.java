package dev.laststate.cli;

import java.lang.reflect.Constructor;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;

/**
 * Creates the commands and mixins of one run for picocli: a class with a constructor taking a {@link RunContext}
 * is given this run's; any other class is created as picocli's default factory creates it.
 */
final class RunFactory implements IFactory {

    private final RunContext context;

    RunFactory(RunContext context) {
        this.context = context;
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
        Constructor<K> withContext;
        try {
            withContext = type.getDeclaredConstructor(RunContext.class);
        } catch (NoSuchMethodException e) {
            return CommandLine.defaultFactory().create(type);
        }
        return withContext.newInstance(context);
    }
}
