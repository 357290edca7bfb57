package io.creatorprofiles.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.eclipse.microprofile.context.spi.ThreadContextProvider;
import org.junit.jupiter.api.Test;

import io.creatorprofiles.testing.MongoTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.context.SmallRyeThreadContext;
import io.smallrye.context.impl.ThreadContextProviderPlan;

/**
 * The contexts every Mutiny operator would capture and restore (SmallRye Context Propagation's default plan): none.
 * CDI contexts are not propagated through it and the JTA transaction context, which this service never uses, is left
 * unchanged rather than cleared (application.properties; docs/performance.md); so is the OpenTelemetry context,
 * which reaches the MongoDB command spans through the Vert.x context without it (TracingTest).
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class ContextPropagationPlanTest {

    @Test
    void nothingIsCapturedAroundTheOperators() {
        ThreadContextProviderPlan plan = SmallRyeThreadContext.getCurrentThreadContextOrDefaultContexts().getPlan();

        assertEquals(List.of(), types(plan.propagatedProviders), "propagated");
        assertEquals(List.of(), types(plan.clearedProviders), "cleared");
        assertEquals(List.of("OpenTelemetry", "Transaction"), types(plan.unchangedProviders), "unchanged");
    }

    private static List<String> types(java.util.Set<ThreadContextProvider> providers) {
        return providers.stream().map(ThreadContextProvider::getThreadContextType).sorted().toList();
    }
}
