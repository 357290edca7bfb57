package io.creatorprofiles.uniqueness;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

/** The result of the latest scheduled duplicate scan in this process, for the health data and the gauges. */
@ApplicationScoped
public class LastDuplicateScan {

    private final AtomicReference<DuplicateCount> last = new AtomicReference<>();

    /** Records a scan's result; answers the one before it (empty before the first). */
    public Optional<DuplicateCount> record(DuplicateCount count) {
        return Optional.ofNullable(last.getAndSet(count));
    }

    public Optional<DuplicateCount> get() {
        return Optional.ofNullable(last.get());
    }
}
