package io.creatorprofiles.reflection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import jakarta.ws.rs.core.Response;

import org.junit.jupiter.api.Test;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Native-image readiness: every type this service writes as JSON is registered for reflection (plain JUnit). */
class ReflectionRegistrationTest {

    private static final Path MAIN_CLASSES = Path.of("target/classes");

    @Test
    void everyTypeTheServiceSerializesIsRegistered() throws Exception {
        List<Class<?>> main = ReflectionRegistration.classesUnder(MAIN_CLASSES);

        Set<String> missing = ReflectionRegistration.unregistered(main, ReflectionRegistration.registeredIn(main));

        assertEquals(Set.of(), missing, "add @RegisterForReflection (or list them in targets)");
    }

    @Test
    void theCheckSeesTheTypesTheServiceSerializes() throws Exception {
        List<Class<?>> main = ReflectionRegistration.classesUnder(MAIN_CLASSES);

        Set<String> withNothingRegistered = ReflectionRegistration.unregistered(main, Set.of());

        // Found through a resource's return type, through Response.ok/accepted, through an ObjectMapper, and by reach.
        assertTrue(withNothingRegistered.containsAll(Set.of("io.creatorprofiles.maintenance.duplicates.RepairStatus",
                "io.creatorprofiles.maintenance.duplicates.ScanReport",
                "io.creatorprofiles.maintenance.duplicates.RepairReport",
                "io.creatorprofiles.maintenance.duplicates.RepairReport$FailedUser",
                "io.creatorprofiles.http.Problem", "io.creatorprofiles.http.Problem$Violation")),
                withNothingRegistered.toString());
    }

    /** A planted door that writes a view nobody registered, and one that writes a registered view. */
    static final class PlantedDoor {
        record UnregisteredView(String name, Nested nested) {
        }

        record Nested(int count) {
        }

        @RegisterForReflection
        record RegisteredView(String name) {
        }

        Response unregistered() {
            return Response.ok(new UnregisteredView("x", new Nested(1))).build();
        }

        Response registered() {
            return Response.ok(new RegisteredView("x")).build();
        }
    }

    @Test
    void anUnregisteredViewIsCaughtWithWhatItReaches() throws Exception {
        List<Class<?>> planted = List.of(PlantedDoor.class, PlantedDoor.RegisteredView.class);

        Set<String> missing = ReflectionRegistration.unregistered(planted, ReflectionRegistration.registeredIn(planted));

        assertEquals(Set.of(PlantedDoor.UnregisteredView.class.getName(), PlantedDoor.Nested.class.getName()), missing);
    }
}
