package io.creatorprofiles.mongo;

/**
 * The configured profiles collection is empty while another collection of the database holds profiles: a maintenance
 * call would answer "nothing to do" about the wrong place, so it is refused (503, like the profile writes) with the
 * operator's way out ({@link DataLocation#advice()}).
 */
public class ProfilesElsewhereException extends RuntimeException {

    public ProfilesElsewhereException(String advice) {
        super(advice);
    }
}
