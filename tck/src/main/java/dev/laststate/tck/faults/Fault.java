package dev.laststate.tck.faults;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * What the {@link FaultProxy} does to a picked exchange. The faults that never forward (reset, stall, a canned
 * {@link Answer}) leave the storage behind unchanged; the others forward the request, so the emulator carries it
 * out, and spoil only its answer.
 */
public sealed interface Fault {

    /** Reads the request, then resets the connection (TCP RST) without forwarding it. */
    static Fault reset() {
        return Kind.RESET;
    }

    /** Reads the request and never answers, until the client gives up and closes the connection. */
    static Fault stall() {
        return Kind.STALL;
    }

    /** Answers {@code status} with an empty body, without forwarding the request. */
    static Fault status(int status) {
        return new Answer(status, List.of(), new byte[0], "answer " + status);
    }

    /**
     * Answers {@code status} with this body and these header lines ({@code "x-ms-error-code: ServerBusy"}), without
     * forwarding the request; {@code description} names it in test reports.
     */
    static Fault answer(int status, String contentType, String body, List<String> headers, String description) {
        List<String> lines = new ArrayList<>(headers);
        lines.add("Content-Type: " + contentType);
        return new Answer(status, lines, body.getBytes(StandardCharsets.UTF_8), description);
    }

    /** Forwards the request, waits for the emulator's answer, then resets the connection instead: a lost answer. */
    static Fault loseAnswer() {
        return Kind.LOST_ANSWER;
    }

    /** Forwards the request, then sends the answer's head and half of its body and resets the connection. */
    static Fault cutBody() {
        return Kind.CUT_BODY;
    }

    /** Forwards the request and removes {@code header} from the answer (without Content-Length the body ends with the connection). */
    static Fault dropHeader(String header) {
        return new DropHeader(header);
    }

    /**
     * Forwards the request and answers {@code spoil} of its body, framed as a whole body: the hook for a service's own
     * spoiling (a JSON field left out). Answers without a body (HEAD, 204, 304) pass unchanged.
     */
    static Fault spoilBody(UnaryOperator<byte[]> spoil, String description) {
        return new SpoilBody(spoil, description);
    }

    /** The faults without a parameter: {@link #reset()}, {@link #stall()}, {@link #loseAnswer()}, {@link #cutBody()}. */
    enum Kind implements Fault {
        RESET, STALL, LOST_ANSWER, CUT_BODY;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }

    /** See {@link Fault#answer}; the body is left out of an answer to HEAD. */
    record Answer(int status, List<String> headers, byte[] body, String description) implements Fault {
        public Answer {
            headers = List.copyOf(headers);
            body = body.clone();
        }

        @Override
        public byte[] body() {
            return body.clone();
        }

        @Override
        public String toString() {
            return description;
        }
    }



    /** See {@link Fault#dropHeader(String)}. */
    record DropHeader(String name) implements Fault {
        @Override
        public String toString() {
            return "drop header " + name;
        }
    }

    /** See {@link Fault#spoilBody}. */
    record SpoilBody(UnaryOperator<byte[]> spoil, String description) implements Fault {
        @Override
        public String toString() {
            return description;
        }
    }
}
