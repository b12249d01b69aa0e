package registry

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/dsctl/dsctl/internal/errkind"
	"oras.land/oras-go/v2/registry/remote/auth"
	"oras.land/oras-go/v2/registry/remote/credentials"
)

// Environment variables that carry registry credentials. They win over the
// Docker config; dsctl never prints them nor writes them anywhere.
const (
	EnvRegistryUsername = "DSCTL_REGISTRY_USERNAME"
	EnvRegistryPassword = "DSCTL_REGISTRY_PASSWORD"
	// EnvRegistryHost binds the two to one registry host (HOST or
	// HOST:PORT): they are sent to that host only.
	EnvRegistryHost = "DSCTL_REGISTRY_HOST"
)

// Credential sources, as reported by ping and in authentication errors.
const (
	CredsNone        = "none"
	CredsEnvironment = "$" + EnvRegistryUsername + "/$" + EnvRegistryPassword
	CredsDocker      = "docker config"
	CredsCustom      = "custom"
)

// credentialFunc returns how credentials for ref are found, and a description
// of where they come from (never the secret):
//  1. DSCTL_REGISTRY_USERNAME and DSCTL_REGISTRY_PASSWORD, for ref's host only,
//     and only for a host the environment or the command line names: the one
//     DSCTL_REGISTRY_HOST names when it is set, else ref's host unless ref was
//     read from the repository (opts.FromRepository: dsctl.yaml, which a pull
//     request can edit to collect the secrets);
//  2. the Docker config ($DOCKER_CONFIG/config.json, else ~/.docker/config.json),
//     with its credential helpers and credsStore (per host, by the user's choice);
//  3. none (anonymous).
func credentialFunc(ref RemoteRef, opts RemoteOptions) (auth.CredentialFunc, string, error) {
	if opts.Credential != nil {
		return opts.Credential, CredsCustom, nil
	}
	getenv := opts.Getenv
	user, pass := getenv(EnvRegistryUsername), getenv(EnvRegistryPassword)
	withheld := ""
	switch {
	case user != "" && pass != "":
		bound := strings.ToLower(strings.TrimSpace(getenv(EnvRegistryHost)))
		switch {
		case bound != "" && bound != strings.ToLower(ref.Host):
			withheld = fmt.Sprintf("%s names %s, not %s", EnvRegistryHost, bound, ref.Host)
		case bound == "" && opts.FromRepository:
			withheld = fmt.Sprintf("%s is named only by the repository's dsctl.yaml; set %s=%s or pass --registry to send them there", ref.Host, EnvRegistryHost, ref.Host)
		default:
			return auth.StaticCredential(ref.Host, auth.Credential{Username: user, Password: pass}), CredsEnvironment, nil
		}
	case user != "" || pass != "":
		return nil, "", errkind.Inputf("set both %s and %s, or neither", EnvRegistryUsername, EnvRegistryPassword)
	}
	if withheld != "" {
		withheld = fmt.Sprintf(" (%s not sent: %s)", CredsEnvironment, withheld)
	}
	cf, src, err := dockerCredentials(getenv)
	return cf, src + withheld, err
}

// dockerCredentials reads the Docker config's credentials, else none.
func dockerCredentials(getenv func(string) string) (auth.CredentialFunc, string, error) {
	path := dockerConfigPath(getenv)
	if path == "" {
		return anonymous, CredsNone, nil
	}
	store, err := credentials.NewStore(path, credentials.StoreOptions{})
	if err != nil {
		// The message names the file but never its content.
		return nil, "", errkind.Inputf("read Docker config %s: %v", path, err)
	}
	if !store.IsAuthConfigured() {
		return anonymous, CredsNone, nil
	}
	return credentials.Credential(store), CredsDocker, nil
}

func anonymous(context.Context, string) (auth.Credential, error) { return auth.EmptyCredential, nil }

// dockerConfigPath is where the Docker CLI keeps its config: $DOCKER_CONFIG/config.json,
// else $HOME/.docker/config.json; empty when neither variable is set.
func dockerConfigPath(getenv func(string) string) string {
	if dir := getenv("DOCKER_CONFIG"); dir != "" {
		return filepath.Join(dir, "config.json")
	}
	if home := getenv("HOME"); home != "" {
		return filepath.Join(home, ".docker", "config.json")
	}
	return ""
}

// Login checks username/password against the registry and, when accepted,
// stores them in the Docker config (or its credential helper), like docker login.
func Login(ctx context.Context, ref RemoteRef, opts RemoteOptions, username, password string) error {
	if username == "" || password == "" {
		return errkind.Inputf("login %s: username and password are required", ref.Host)
	}
	opts.Credential = auth.StaticCredential(ref.Host, auth.Credential{Username: username, Password: password})
	r, err := NewRemote(ref, opts)
	if err != nil {
		return err
	}
	r.credSource = "the login command"
	if _, err := r.Ping(ctx); err != nil {
		return err
	}
	path := dockerConfigPath(r.opts.Getenv)
	if path == "" {
		return errkind.Envf("login %s: neither DOCKER_CONFIG nor HOME is set; nowhere to store credentials", ref.Host)
	}
	store, err := credentials.NewStore(path, credentials.StoreOptions{AllowPlaintextPut: true, DetectDefaultNativeStore: true})
	if err != nil {
		return errkind.Inputf("read Docker config %s: %v", path, err)
	}
	if err := store.Put(ctx, credentials.ServerAddressFromRegistry(ref.Host), auth.Credential{Username: username, Password: password}); err != nil {
		return errkind.Envf("login %s: store credentials in %s: %v", ref.Host, path, err)
	}
	return nil
}

// Logout removes the stored credentials of ref's host from the Docker config
// (or its credential helper). It reports whether there were any: logging out
// of a registry one is not logged in to is not an error, but worth saying.
func Logout(ctx context.Context, ref RemoteRef, getenv func(string) string) (bool, error) {
	path := dockerConfigPath(getenv)
	if path == "" {
		return false, errkind.Envf("logout %s: neither DOCKER_CONFIG nor HOME is set", ref.Host)
	}
	store, err := credentials.NewStore(path, credentials.StoreOptions{})
	if err != nil {
		return false, errkind.Inputf("read Docker config %s: %v", path, err)
	}
	cred, err := store.Get(ctx, credentials.ServerAddressFromRegistry(ref.Host))
	if err != nil {
		return false, errkind.Envf("logout %s: read stored credentials: %w", ref.Host, err)
	}
	if cred == auth.EmptyCredential {
		return false, nil
	}
	if err := credentials.Logout(ctx, store, ref.Host); err != nil {
		return false, errkind.Envf("logout %s: %w", ref.Host, err)
	}
	return true, nil
}
