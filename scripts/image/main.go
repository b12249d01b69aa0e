// Command image builds dsctl's container image without Docker and checks a
// pushed one. It is a release tool (make image, .ci/run), not part of dsctl.
//
//	go run ./scripts/image build -rootfs DIR -binary FILE -image REF [-insecure] [-label k=v]...
//	go run ./scripts/image check -image REF@sha256:… -out DIR [-insecure]
//
// build writes a linux/amd64 image of two layers, the root file system (made
// from Debian packages by scripts/image-rootfs.sh) and dsctl at
// /usr/local/bin/dsctl, runs as the nonroot user (65532), pushes it with
// go-containerregistry and prints REF@DIGEST. Both layers are deterministic:
// entries sorted, times zero, owners root except /home/nonroot.
//
// check pulls an image by digest only, verifies the digest, that it runs as a
// non-root user with dsctl as its entrypoint, and that dsctl is a static
// executable, then unpacks its file system into DIR (refusing entries that
// would land outside it) for the caller to run.
package main

import (
	"archive/tar"
	"bytes"
	"debug/elf"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// The image's user, as in distroless and Chainguard images.
const (
	nonrootUID = 65532
	nonrootDir = "home/nonroot"
	entrypoint = "/usr/local/bin/dsctl"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: image build|check [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "build":
		err = runBuild(os.Args[2:], os.Stdout)
	case "check":
		err = runCheck(os.Args[2:], os.Stdout)
	default:
		err = fmt.Errorf("unknown command %q (want build or check)", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "image:", err)
		os.Exit(1)
	}
}

type labels map[string]string

func (l labels) String() string { return fmt.Sprint(map[string]string(l)) }
func (l labels) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return fmt.Errorf("want KEY=VALUE, got %q", s)
	}
	l[k] = v
	return nil
}

func runBuild(args []string, stdout io.Writer) error {
	fl := flag.NewFlagSet("build", flag.ContinueOnError)
	rootfs := fl.String("rootfs", "", "root file system folder")
	binary := fl.String("binary", "", "the linux/amd64 dsctl executable")
	ref := fl.String("image", "", "where to push: REGISTRY/REPO:TAG")
	insecure := fl.Bool("insecure", false, "plain HTTP registry (a local one)")
	lbl := labels{}
	fl.Var(lbl, "label", "image label KEY=VALUE (repeatable)")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if *rootfs == "" || *binary == "" || *ref == "" {
		return errors.New("build needs -rootfs, -binary and -image")
	}
	img, err := build(*rootfs, *binary, lbl)
	if err != nil {
		return err
	}
	tag, err := name.NewTag(*ref, nameOpts(*insecure)...)
	if err != nil {
		return fmt.Errorf("image reference %q: %w", *ref, err)
	}
	if err := remote.Write(tag, img, remote.WithAuth(auth())); err != nil {
		return fmt.Errorf("push %s: %w", tag, err)
	}
	d, err := img.Digest()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s@%s\n", tag.Context(), d)
	return nil
}

// auth is the registry login: IMAGE_USERNAME and IMAGE_PASSWORD (a token),
// else anonymous. (Not docker's credential store: that would link docker/cli
// into the module for a release tool.)
func auth() authn.Authenticator {
	if u, p := os.Getenv("IMAGE_USERNAME"), os.Getenv("IMAGE_PASSWORD"); u != "" || p != "" {
		return &authn.Basic{Username: u, Password: p}
	}
	return authn.Anonymous
}

func nameOpts(insecure bool) []name.Option {
	if insecure {
		return []name.Option{name.Insecure}
	}
	return nil
}

// build assembles the image: the root file system, then dsctl.
func build(rootfs, binary string, lbl labels) (v1.Image, error) {
	if err := checkStatic(binary); err != nil {
		return nil, err
	}
	base, err := dirLayer(rootfs)
	if err != nil {
		return nil, fmt.Errorf("root file system %s: %w", rootfs, err)
	}
	bin, err := fileLayer(binary, strings.TrimPrefix(entrypoint, "/"))
	if err != nil {
		return nil, fmt.Errorf("dsctl %s: %w", binary, err)
	}
	img, err := mutate.AppendLayers(mutate.MediaType(empty.Image, types.OCIManifestSchema1), base, bin)
	if err != nil {
		return nil, err
	}
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.Architecture, cf.OS = "amd64", "linux"
	cf.Created = v1.Time{Time: time.Unix(0, 0).UTC()}
	cf.Config = v1.Config{
		User:       fmt.Sprintf("%d:%d", nonrootUID, nonrootUID),
		Entrypoint: []string{entrypoint},
		Env: []string{
			"PATH=/usr/local/bin:/usr/bin:/bin",
			"HOME=/" + nonrootDir,
			"SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt",
		},
		WorkingDir: "/" + nonrootDir,
		Labels:     lbl,
	}
	return mutate.ConfigFile(img, cf)
}

// checkStatic refuses an executable that needs a dynamic loader: dsctl must
// run without the image's libc.
func checkStatic(file string) error {
	f, err := elf.Open(file)
	if err != nil {
		return fmt.Errorf("dsctl %s: not a Linux executable: %w", file, err)
	}
	defer f.Close()
	if f.Machine != elf.EM_X86_64 {
		return fmt.Errorf("dsctl %s: built for %s, the image is linux/amd64", file, f.Machine)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return fmt.Errorf("dsctl %s: dynamically linked (build it with CGO_ENABLED=0)", file)
		}
	}
	return nil
}

// entry is one file of a layer, read from disk.
type entry struct {
	hdr  *tar.Header
	path string // on disk, for regular files
}

// dirLayer is a deterministic layer of a folder: sorted, zero times, owned
// by root except the nonroot user's home.
func dirLayer(dir string) (v1.Layer, error) {
	var entries []entry
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil || rel == "." {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		link := ""
		if info.Mode()&fs.ModeSymlink != 0 {
			if link, err = os.Readlink(p); err != nil {
				return err
			}
		}
		hdr, err := tar.FileInfoHeader(info, link)
		if err != nil {
			return fmt.Errorf("%s: %w", rel, err)
		}
		hdr.Name = filepath.ToSlash(rel)
		if d.IsDir() {
			hdr.Name += "/"
		}
		normalize(hdr)
		entries = append(entries, entry{hdr: hdr, path: p})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return layerOf(entries)
}

// fileLayer is a layer holding one executable at name (and its folders).
func fileLayer(file, name string) (v1.Layer, error) {
	info, err := os.Stat(file)
	if err != nil {
		return nil, err
	}
	var entries []entry
	for d := path.Dir(name); d != "."; d = path.Dir(d) {
		hdr := &tar.Header{Typeflag: tar.TypeDir, Name: d + "/", Mode: 0o755}
		normalize(hdr)
		entries = append(entries, entry{hdr: hdr})
	}
	hdr := &tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: 0o755, Size: info.Size()}
	normalize(hdr)
	entries = append(entries, entry{hdr: hdr, path: file})
	return layerOf(entries)
}

func normalize(h *tar.Header) {
	h.Uid, h.Gid, h.Uname, h.Gname = 0, 0, "root", "root"
	if h.Name == nonrootDir+"/" || strings.HasPrefix(h.Name, nonrootDir+"/") {
		h.Uid, h.Gid, h.Uname, h.Gname = nonrootUID, nonrootUID, "nonroot", "nonroot"
	}
	h.ModTime, h.AccessTime, h.ChangeTime = time.Unix(0, 0), time.Time{}, time.Time{}
	h.Format = tar.FormatPAX
	h.PAXRecords = nil
}

func layerOf(entries []entry) (v1.Layer, error) {
	sort.Slice(entries, func(i, j int) bool { return entries[i].hdr.Name < entries[j].hdr.Name })
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		if err := tw.WriteHeader(e.hdr); err != nil {
			return nil, fmt.Errorf("%s: %w", e.hdr.Name, err)
		}
		if e.hdr.Typeflag == tar.TypeReg {
			f, err := os.Open(e.path)
			if err != nil {
				return nil, err
			}
			_, err = io.Copy(tw, f)
			f.Close()
			if err != nil {
				return nil, fmt.Errorf("%s: %w", e.hdr.Name, err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	data := buf.Bytes()
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	}, tarball.WithMediaType(types.OCILayer))
}

func runCheck(args []string, stdout io.Writer) error {
	fl := flag.NewFlagSet("check", flag.ContinueOnError)
	ref := fl.String("image", "", "REGISTRY/REPO@sha256:DIGEST")
	out := fl.String("out", "", "empty folder to unpack the image's file system into")
	insecure := fl.Bool("insecure", false, "plain HTTP registry (a local one)")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if *ref == "" || *out == "" {
		return errors.New("check needs -image and -out")
	}
	dig, err := name.NewDigest(*ref, nameOpts(*insecure)...)
	if err != nil {
		return fmt.Errorf("check pulls by digest only: %w", err)
	}
	img, err := remote.Image(dig, remote.WithAuth(auth()))
	if err != nil {
		return fmt.Errorf("pull %s: %w", dig, err)
	}
	if err := checkImage(img, dig.DigestStr()); err != nil {
		return fmt.Errorf("%s: %w", dig, err)
	}
	if err := unpack(img, *out); err != nil {
		return fmt.Errorf("%s: unpack: %w", dig, err)
	}
	if err := checkStatic(filepath.Join(*out, filepath.FromSlash(strings.TrimPrefix(entrypoint, "/")))); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: linux/amd64, user %d, entrypoint %s (static), unpacked into %s\n", dig, nonrootUID, entrypoint, *out)
	return nil
}

// checkImage verifies what was pulled: its digest, platform, user and
// entrypoint.
func checkImage(img v1.Image, want string) error {
	got, err := img.Digest()
	if err != nil {
		return err
	}
	if got.String() != want {
		return fmt.Errorf("digest %s, want %s", got, want)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return err
	}
	if cf.OS != "linux" || cf.Architecture != "amd64" {
		return fmt.Errorf("platform %s/%s, want linux/amd64", cf.OS, cf.Architecture)
	}
	user := cf.Config.User
	uid, _, _ := strings.Cut(user, ":")
	if user == "" || uid == "0" || uid == "root" {
		return fmt.Errorf("runs as root (user %q)", user)
	}
	if len(cf.Config.Entrypoint) != 1 || cf.Config.Entrypoint[0] != entrypoint {
		return fmt.Errorf("entrypoint %q, want [%s]", cf.Config.Entrypoint, entrypoint)
	}
	return nil
}

// unpack writes the image's flattened file system into dir, refusing any
// entry or link target outside it.
func unpack(img v1.Image, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	rc := mutate.Extract(img)
	defer rc.Close()
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		name := path.Clean(strings.TrimPrefix(h.Name, "/"))
		if name == "." {
			continue
		}
		if !fs.ValidPath(name) {
			return fmt.Errorf("entry %q leaves the root", h.Name)
		}
		if d := path.Dir(name); d != "." {
			if err := root.MkdirAll(d, 0o755); err != nil {
				return err
			}
		}
		mode := fs.FileMode(h.Mode) & fs.ModePerm
		switch h.Typeflag {
		case tar.TypeDir:
			if err := root.MkdirAll(name, mode); err != nil {
				return err
			}
			if h.Mode&0o1000 != 0 {
				mode |= fs.ModeSticky
			}
			if err := root.Chmod(name, mode); err != nil {
				return err
			}
		case tar.TypeReg:
			f, err := root.OpenFile(name, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
			if err != nil {
				return err
			}
			_, err = io.Copy(f, tr)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
		case tar.TypeSymlink:
			// Absolute targets resolve inside the root when the image runs
			// (chroot); relative ones must stay inside it too.
			target := h.Linkname
			if !path.IsAbs(target) && !fs.ValidPath(path.Clean(path.Join(path.Dir(name), target))) {
				return fmt.Errorf("link %s -> %s leaves the root", name, target)
			}
			if err := root.Symlink(target, name); err != nil {
				return err
			}
		case tar.TypeLink:
			target := path.Clean(strings.TrimPrefix(h.Linkname, "/"))
			if !fs.ValidPath(target) {
				return fmt.Errorf("hard link %s -> %s leaves the root", name, h.Linkname)
			}
			if err := root.Link(target, name); err != nil {
				return err
			}
		default:
			return fmt.Errorf("entry %s: unsupported type %q", name, h.Typeflag)
		}
		if h.Typeflag != tar.TypeSymlink {
			if err := root.Lchown(name, h.Uid, h.Gid); err != nil && !errors.Is(err, fs.ErrPermission) {
				return err
			}
		}
	}
}
