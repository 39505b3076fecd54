package dev.laststate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps every credential the process knows out of everything it prints: the values of secret-looking
 * {@code -o} options and environment variables (and the parts and files they are made of), the password of
 * any {@code scheme://user:password@} in the arguments or the environment, and the password of any such URI
 * printed. {@link #mask(PrintWriter)} and {@link #mask(PrintStream)} wrap the streams once at start-up, so a
 * new print statement, picocli's own messages, a stack trace or a library writing to {@code System.err} cannot
 * bypass it.
 */
final class Redactor {

    static final String MASK = "****";

    /** Substrings of option keys and variable names (lower case, {@code _} read as {@code -}) whose values are secret. */
    private static final List<String> SENSITIVE = List.of("secret", "key", "token", "password", "credential",
            "connection-string", "sas", "signature");

    /** A value this short, or this common, is not masked: it would garble every line it happens to occur in. */
    private static final int MIN_LENGTH = 4;
    private static final Pattern COMMON = Pattern.compile("(?i)true|false|null|none|yes|no|on|off|[0-9.]+");

    /**
     * {@code scheme://user:password@}: the user is kept (an {@code abfss://container@account} names a container
     * there, an {@code hdfs://user@namenode} a user), the password is masked. It ends at the last {@code @}
     * before the path, a space or a quote.
     */
    private static final Pattern USERINFO = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://[^/\\s:@\"'<>]*):[^/\\s\"'<>]*@");

    /** A shared access signature's {@code sig=} parameter, wherever a URL carries one. */
    private static final Pattern SAS_SIGNATURE = Pattern.compile("(?i)([?&;]sig=)[^&\\s\"'<>]+");

    /** Environment variables holding the path of a file: the path is not secret, the file's content is. */
    private static final Pattern FILE_VARIABLE = Pattern.compile("(?i).*_(FILE|PATH)|GOOGLE_APPLICATION_CREDENTIALS");

    private static final long MAX_FILE = 1 << 20;

    private final List<String> secrets;

    private Redactor(Set<String> secrets) {
        // Longest first, so a secret that contains another is masked whole.
        this.secrets = secrets.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    /** Whether an option key or a variable name names a secret. */
    static boolean isSensitive(String key) {
        String lower = key.toLowerCase(Locale.ROOT).replace('_', '-');
        return SENSITIVE.stream().anyMatch(lower::contains);
    }

    /** Every secret the run {@code args} in {@code env} knows. */
    static Redactor of(String[] args, Map<String, String> env) {
        Set<String> secrets = new LinkedHashSet<>();
        for (String option : options(args)) {
            int eq = option.indexOf('=');
            if (eq > 0 && isSensitive(option.substring(0, eq))) {
                addSecret(secrets, option.substring(eq + 1));
            }
        }
        for (String arg : args) {
            addUserinfoPasswords(secrets, arg);
        }
        env.forEach((name, value) -> {
            if (value == null || value.isBlank()) {
                return;
            }
            addUserinfoPasswords(secrets, value);
            if (FILE_VARIABLE.matcher(name).matches()) {
                if (isSensitive(name)) {
                    addFileSecrets(secrets, value.strip());
                }
            } else if (isSensitive(name)) {
                addSecret(secrets, value);
                addParts(secrets, value);
            }
        });
        String user = env.get(JobManagerOptions.USER);
        String password = env.get(JobManagerOptions.PASSWORD);
        if (user != null && password != null && !password.isBlank()) {
            // What the Basic Authorization header carries.
            addSecret(secrets, Base64.getEncoder().encodeToString((user.strip() + ":" + password.strip())
                    .getBytes(StandardCharsets.UTF_8)));
        }
        return new Redactor(secrets);
    }

    /** The values of {@code -o}/{@code --option} in the raw arguments, however they were spelled. */
    private static List<String> options(String[] args) {
        List<String> options = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if ((arg.equals("-o") || arg.equals("--option")) && i + 1 < args.length) {
                options.add(args[++i]);
            } else if (arg.startsWith("--option=")) {
                options.add(arg.substring("--option=".length()));
            } else if (arg.startsWith("-o") && !arg.startsWith("--")) {
                options.add(arg.substring(2));
            }
        }
        return options;
    }

    /** A secret, and the forms it is printed in: URL-encoded, JSON-escaped, and line by line (a PEM key). */
    private static void addSecret(Set<String> secrets, String value) {
        String secret = value.strip();
        if (secret.length() < MIN_LENGTH || COMMON.matcher(secret).matches()) {
            return;
        }
        secrets.add(secret);
        secrets.add(URLEncoder.encode(secret, StandardCharsets.UTF_8));
        secrets.add(secret.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n"));
        if (secret.contains("\n")) {
            secret.lines().forEach(line -> addSecret(secrets, line));
        }
    }

    /** The secret parts of a connection string ({@code AccountKey=...;SharedAccessSignature=...}) or a SAS ({@code sig=}). */
    private static void addParts(Set<String> secrets, String value) {
        for (String part : value.split("[;&]")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                String key = part.substring(0, eq).strip();
                if (isSensitive(key) || key.equalsIgnoreCase("sig")) {
                    addSecret(secrets, part.substring(eq + 1));
                    addParts(secrets, URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
    }

    private static void addUserinfoPasswords(Set<String> secrets, String text) {
        Matcher m = USERINFO.matcher(text);
        while (m.find()) {
            String password = m.group().substring(m.group(1).length() + 1, m.group().length() - 1);
            addSecret(secrets, password);
            try {
                addSecret(secrets, URLDecoder.decode(password, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException malformedEscape) {
                // the raw form is masked already
            }
        }
    }

    /**
     * The content of a credentials file a variable names (a web identity token, a service-account key): a
     * JSON file's secret-looking fields, any other file whole.
     */
    private static void addFileSecrets(Set<String> secrets, String file) {
        String content;
        try {
            Path path = Path.of(file);
            if (!Files.isRegularFile(path) || Files.size(path) > MAX_FILE) {
                return;
            }
            content = Files.readString(path);
        } catch (IOException | RuntimeException unreadable) {
            return; // the store reports what it cannot read; there is nothing of it to mask
        }
        try {
            JsonNode json = new ObjectMapper().readTree(content);
            if (json != null && json.isObject()) {
                json.fields().forEachRemaining(field -> {
                    if (isSensitive(field.getKey()) && field.getValue().isTextual()) {
                        addSecret(secrets, field.getValue().asText());
                    }
                });
                return;
            }
        } catch (IOException notJson) {
            // a token file
        }
        addSecret(secrets, content);
    }

    /** {@code text} with every secret and every URI password masked. */
    String redact(String text) {
        String result = text;
        for (String secret : secrets) {
            if (result.contains(secret)) {
                result = result.replace(secret, MASK);
            }
        }
        result = USERINFO.matcher(result).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + ":" + MASK + "@"));
        return SAS_SIGNATURE.matcher(result).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK));
    }

    /** {@code out}, masked: what is written reaches it line by line (and on flush), redacted. */
    PrintWriter mask(PrintWriter out) {
        return new PrintWriter(new MaskingWriter(out, this));
    }

    /** {@code out}, masked like {@link #mask(PrintWriter)}; for {@code System.out} and {@code System.err}. */
    PrintStream mask(PrintStream out) {
        Charset charset = Charset.defaultCharset();
        return new PrintStream(new MaskingStream(out, this, charset), true, charset);
    }

    /** Buffers text up to a line break (or a flush), then writes the line redacted. */
    private static final class MaskingWriter extends Writer {
        private final Writer out;
        private final Redactor redactor;
        private final StringBuilder line = new StringBuilder();

        MaskingWriter(Writer out, Redactor redactor) {
            this.out = out;
            this.redactor = redactor;
        }

        @Override
        public synchronized void write(char[] buffer, int off, int len) throws IOException {
            for (int i = off; i < off + len; i++) {
                line.append(buffer[i]);
                if (buffer[i] == '\n') {
                    emit();
                }
            }
        }

        @Override
        public synchronized void flush() throws IOException {
            emit();
            out.flush();
        }

        @Override
        public synchronized void close() throws IOException {
            flush();
            out.close();
        }

        private void emit() throws IOException {
            if (!line.isEmpty()) {
                out.write(redactor.redact(line.toString()));
                line.setLength(0);
            }
        }
    }

    /** Buffers bytes up to a line break (or a flush), then writes the line redacted. */
    private static final class MaskingStream extends OutputStream {
        private final OutputStream out;
        private final Redactor redactor;
        private final Charset charset;
        private final java.io.ByteArrayOutputStream line = new ByteArrayOutputStream();

        MaskingStream(OutputStream out, Redactor redactor, Charset charset) {
            this.out = out;
            this.redactor = redactor;
            this.charset = charset;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            line.write(b);
            if (b == '\n') {
                emit();
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        @Override
        public synchronized void flush() throws IOException {
            emit();
            out.flush();
        }

        @Override
        public synchronized void close() throws IOException {
            flush();
            out.close();
        }

        private void emit() throws IOException {
            if (line.size() > 0) {
                out.write(redactor.redact(line.toString(charset)).getBytes(charset));
                line.reset();
            }
        }
    }
}
