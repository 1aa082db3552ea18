// How a run logs in: the one login its settings give (user and password, a token, an nkey seed file,
// a creds file, or a login in the URL) handed to jnats, and named in an error line without its secret.
// A new auth method: its rows in Setting.java, its check in ConfigRules.java, its file in
// SecretFiles.java, and here what jnats gets and how a refusal names it.
//DEPS io.nats:jnats:2.26.2
//SOURCES Config.java SecretFiles.java Exit.java Output.java

import io.nats.client.Nats;
import io.nats.client.Options;

final class Login {
    private static final String NONE = "a connection without credentials";

    private Login() {
    }

    static void applyTo(Options.Builder builder, Config config) {
        if (config.user != null) {
            builder.userInfo(config.user, config.password);
        }
        if (config.token != null) {
            builder.token(ServerUrl.tokenForJnats(config.token).toCharArray());
        }
        if (config.nkeySeedFile != null) {
            char[] seed = SecretFiles.nkeySeed(config.nkeySeedFile, config.sourceOf(Setting.NKEY_SEED_FILE), Exit.CONFIG);
            builder.authHandler(Nats.staticCredentials(null, seed));
        }
        if (config.credsFile != null) { // the bytes that were checked are the bytes sent: jnats does not read it again
            builder.authHandler(Nats.staticCredentials(SecretFiles.creds(config.credsFile,
                    config.sourceOf(Setting.CREDS_FILE), Exit.CONFIG)));
        }
    }

    static boolean isSet(Config config) {
        return !description(config).equals(NONE);
    }

    /** "user "alice" (with a password)", "this token", ...: what was tried, never the secret itself. */
    static String description(Config config) {
        if (config.user != null) {
            return "user " + Output.quoted(config.user) + " (with a password)";
        }
        if (config.token != null) {
            return "this token";
        }
        if (config.nkeySeedFile != null) {
            return "the nkey in " + config.nkeySeedFile;
        }
        if (config.credsFile != null) {
            return "the user in " + config.credsFile;
        }
        if (config.servers.stream().anyMatch(url -> url.login() != null)) {
            return "the login in the URL";
        }
        return NONE;
    }
}
