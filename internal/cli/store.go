package cli

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/dsctl/dsctl/contracts"
	"github.com/dsctl/dsctl/contracts/registry"
	"github.com/dsctl/dsctl/internal/errkind"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// registryFlags are the store flags of the contract commands: --registry and
// the network flags shared with the registry commands (netFlags).
type registryFlags struct {
	ref string
	net netFlags
	// creates is set by the commands that create the store (publish).
	creates bool
}

func (f *registryFlags) bind(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.ref, "registry", "", "store: a folder, oci-layout:PATH or oci://HOST[:PORT]/PREFIX (default: dsctl.yaml's registry, else .dsctl/registry beside dsctl.yaml or in the current folder)")
	f.net.bind(fl)
}

// workspace returns the folder of dsctl.yaml, or "." without one.
func (a *App) workspace() (string, error) {
	cfg, err := a.Config()
	if err != nil {
		return "", err
	}
	if cfg == nil {
		return ".", nil
	}
	return cfg.Dir, nil
}

// openStore opens the store the flags, dsctl.yaml or the default name: the
// default is .dsctl/registry in the project folder (beside dsctl.yaml, else
// the current folder). The second value is the reference to record in
// dsctl.lock (as the user wrote it). A folder that exists but is not a store
// is refused unless the command creates one (f.creates).
func (a *App) openStore(f registryFlags) (registry.Store, string, error) {
	cfg, err := a.Config()
	if err != nil {
		return nil, "", err
	}
	if f.net.Retries < -1 {
		return nil, "", usageErr(fmt.Errorf("--retries must be -1 or more, got %d", f.net.Retries))
	}
	ref, lockRef := f.ref, f.ref
	fromRepo := false
	switch {
	case ref != "":
	case cfg != nil && cfg.Registry != "":
		ref, lockRef, fromRepo = cfg.Resolve(cfg.Registry), cfg.Registry, true
	default:
		ws, err := a.workspace()
		if err != nil {
			return nil, "", err
		}
		// dsctl.lock is committed: it names the default store the same on
		// every machine, relative to the project folder.
		ref, lockRef = registry.DefaultRef(ws), registry.DefaultDir
	}
	opts := registry.Options{PlainHTTP: f.net.PlainHTTP, Retries: f.net.Retries, Timeout: f.net.Timeout, FromRepository: fromRepo, Create: f.creates}
	if !a.Quiet {
		opts.Log = a.IO.Err
	}
	s, err := registry.Open(ref, opts)
	if err != nil {
		return nil, "", err
	}
	return s, lockRef, nil
}

// noSuchContract returns the error for a contract that has no version in
// store: an input error (exit 2), as every "not found" is.
func noSuchContract(store registry.Store, name string) error {
	return errkind.Inputf("contract %s is not in %s", name, store.Ref())
}

// vendorPaths returns dsctl.lock beside dsctl.yaml (else in the current
// folder) and the vendor folder: dir, else contracts/vendor beside it.
func (a *App) vendorPaths(dir string) (lockPath, vendor string, err error) {
	ws, err := a.workspace()
	if err != nil {
		return "", "", err
	}
	vendor = dir
	if vendor == "" {
		vendor = filepath.Join(ws, filepath.FromSlash(contracts.DefaultVendorDir))
	}
	return filepath.Join(ws, contracts.LockFileName), vendor, nil
}

// netFlags are the network flags of the registry commands. They match the
// contract commands' --plain-http and --retries (registryFlags in contract.go).
type netFlags struct {
	PlainHTTP bool
	Retries   int
	Timeout   time.Duration
}

// bind adds --plain-http, --retries and --registry-timeout to fs.
func (f *netFlags) bind(fs *pflag.FlagSet) {
	fs.BoolVar(&f.PlainHTTP, "plain-http", false, "talk plain HTTP to an oci:// registry (loopback hosts only, unless "+registry.EnvInsecureRegistries+" lists the host)")
	fs.IntVar(&f.Retries, "retries", 0, fmt.Sprintf("retries of a failed registry call (0: the default, %d; -1: none)", registry.DefaultRetries))
	fs.DurationVar(&f.Timeout, "registry-timeout", registry.DefaultTimeout, "timeout of one registry request")
}

// remoteOptions turns the flags into registry.RemoteOptions; retry warnings
// go to stderr unless --quiet.
func (f *netFlags) remoteOptions(app *App) (registry.RemoteOptions, error) {
	if f.Retries < -1 {
		return registry.RemoteOptions{}, usageErr(fmt.Errorf("--retries must be -1 or more, got %d", f.Retries))
	}
	if f.Timeout <= 0 {
		return registry.RemoteOptions{}, usageErr(fmt.Errorf("--registry-timeout must be positive, got %s", f.Timeout))
	}
	o := registry.RemoteOptions{
		PlainHTTP: f.PlainHTTP,
		Retry:     registry.RetryPolicy{Retries: f.Retries, Timeout: f.Timeout},
	}
	if !app.Quiet {
		o.Log = app.IO.Err
	}
	return o, nil
}

// remoteRefArg parses the oci:// reference ref; an empty ref is the registry of dsctl.yaml.
func remoteRefArg(app *App, ref string) (registry.RemoteRef, error) {
	if ref == "" {
		cfg, err := app.Config()
		if err != nil {
			return registry.RemoteRef{}, err
		}
		if cfg != nil {
			ref = cfg.Registry
		}
	}
	if ref == "" {
		return registry.RemoteRef{}, usageErr(fmt.Errorf("name a registry: oci://HOST[:PORT]/PREFIX (or set registry: in dsctl.yaml)"))
	}
	if !registry.IsRemoteRef(ref) {
		return registry.RemoteRef{}, errkind.Inputf("%s is a local store folder, not a remote registry (want oci://HOST[:PORT]/PREFIX)", ref)
	}
	return registry.ParseRemoteRef(ref)
}
