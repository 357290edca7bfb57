package io.creatorprofiles.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

/**
 * Help and bad arguments are answered by picocli alone, before Quarkus starts: plain unit tests, no boot, no database
 * (whether or not MONGODB_URI is set, nothing here reads it).
 */
class CommandLineTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private OptionalInt answer(String... args) {
        return CreatorProfilesMain.answerWithoutStarting(args, new PrintWriter(out), new PrintWriter(err));
    }

    @Test
    void helpIsAnsweredOnStdoutWithExitZero() {
        assertEquals(OptionalInt.of(ExitCodes.OK), answer("--help"));
        assertTrue(out.toString().contains("Usage: creator-profiles"), out.toString());
        assertTrue(out.toString().contains("7   scan, repair, migrate"), out.toString());
        assertEquals("", err.toString());
    }

    @Test
    void subcommandHelpIsAnsweredToo() {
        assertEquals(OptionalInt.of(ExitCodes.OK), answer("archive", "export", "--help"));
        assertTrue(out.toString().contains("Usage: creator-profiles archive export"), out.toString());
        assertEquals(OptionalInt.of(ExitCodes.OK), answer("migrate", "-h"));
    }

    @Test
    void versionIsAnsweredWithExitZero() {
        assertEquals(OptionalInt.of(ExitCodes.OK), answer("--version"));
        assertTrue(out.toString().startsWith("creator-profiles "), out.toString());
    }

    @Test
    void badArgumentsExitTwoWithTheReasonOnStderr() {
        assertEquals(OptionalInt.of(ExitCodes.USAGE), answer("scan", "--no-such-option"));
        assertTrue(err.toString().contains("--no-such-option"), err.toString());
        assertEquals(OptionalInt.of(ExitCodes.USAGE), answer("archive", "list"), "needs --user or --run");
        assertEquals(OptionalInt.of(ExitCodes.USAGE), answer("migrate", "--no-such-option"));
        assertEquals(OptionalInt.of(ExitCodes.USAGE), answer("repair", "--apply=yes"), "a dry-run flag it does not know");
        assertEquals(OptionalInt.of(ExitCodes.USAGE), answer("no-such-command"));
        assertEquals("", out.toString());
    }

    @Test
    void aServiceStartOrACommandToRunIsLeftToQuarkus() {
        assertEquals(OptionalInt.empty(), answer());
        assertEquals(OptionalInt.empty(), answer("-Dquarkus.http.port=0"), "JVM options given as arguments are not picocli's");
        assertEquals(OptionalInt.empty(), answer("migrate", "--apply"));
        assertEquals(OptionalInt.empty(), answer("archive", "export", "--run", "r1"));
        assertEquals("", out.toString() + err.toString());
    }
}
