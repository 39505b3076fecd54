package dev.laststate.rest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.mockwebserver.MockResponse;

/** The recorded Flink REST answers under {@code src/test/resources/flink-rest/<version>/}. */
final class RestFixtures {

    static final List<String> VERSIONS = List.of("2.3.0", "1.20.5");

    private RestFixtures() {}

    static String body(String version, String name) {
        try (InputStream in = RestFixtures.class.getResourceAsStream("/flink-rest/" + version + "/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no recorded answer flink-rest/" + version + "/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static MockResponse json(String version, String name) {
        return new MockResponse().setHeader("Content-Type", "application/json").setBody(body(version, name));
    }

    /** {@code first}, {@code restored}, {@code other}, {@code savepoint}, {@code root} of that recording. */
    static Map<String, String> ids(String version) {
        Properties p = new Properties();
        try {
            p.load(new java.io.StringReader(body(version, "ids.txt")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("first", p.getProperty("first"), "restored", p.getProperty("restored"), "other", p.getProperty("other"),
                "savepoint", p.getProperty("savepoint"), "root", p.getProperty("root"));
    }

    /** The first {@code "jid"} of an overview. */
    static String firstJid(String body) {
        Matcher m = Pattern.compile("\"jid\":\"([0-9a-f]{32})\"").matcher(body);
        if (!m.find()) {
            throw new IllegalStateException("no jid in " + body);
        }
        return m.group(1);
    }
}
