package hashasset

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/dsctl/dsctl/internal/errkind"
)

// UploadBuild carries out the upload plan of an output folder against
// S3-compatible object storage (AWS S3, Cloudflare R2, GCS interoperability,
// MinIO, Ceph RGW, SeaweedFS, Versity) through minio-go: hashed files first
// (immutable), then the pages, the manifest last, so that no page of the new
// build is served before the files it names. An object already there with
// the same sha256 (recorded in its x-amz-meta-dsctl-sha256 metadata) is not
// sent again; dates are not compared.

// UploadOptions configure UploadBuild.
type UploadOptions struct {
	// Dir is the output folder; Manifest its manifest (default
	// Dir/assets-manifest.json).
	Dir, Manifest string
	// To is the destination, s3://BUCKET/PREFIX.
	To string
	// DryRun compares and reports, sends and deletes nothing.
	DryRun bool
	// Prune deletes from the store the files that the retention rule
	// (Retain) prunes, as "hash-assets clean" would locally; nil deletes
	// nothing.
	Prune *Retention
	// Now is the clock for retention ages (default time.Now).
	Now func() time.Time
	// Started and Progress report the bytes to send and sent (a progress
	// bar).
	Started  func(files int, bytes int64)
	Progress func(n int64)
	// Getenv reads the AWS configuration (default os.Getenv).
	Getenv func(string) string
	// Workers bounds the uploads in flight (default 8).
	Workers int
}

// UploadResult is what UploadBuild did: on a dry run Uploaded, Bytes and
// Deleted stay empty and WouldUpload says what a real run would do.
type UploadResult struct {
	To    string `json:"to"`
	Build int    `json:"build"`
	// Uploaded and Bytes count the files sent and their bytes; Skipped the
	// files already in the store with the same sha256.
	Uploaded int      `json:"uploaded"`
	Skipped  int      `json:"skipped"`
	Bytes    int64    `json:"bytes"`
	Deleted  []string `json:"deleted"`
	DryRun   bool     `json:"dryRun"`
	// WouldUpload is set on a dry run only (its fields are printed inline).
	*WouldUpload
}

// WouldUpload is what a dry run found a real upload would do.
type WouldUpload struct {
	WouldUpload int      `json:"wouldUpload"`
	WouldBytes  int64    `json:"wouldUploadBytes"`
	WouldDelete []string `json:"wouldDelete"`
}

// s3Target is a parsed s3://BUCKET/PREFIX.
type s3Target struct {
	bucket, prefix string
}

func parseS3URL(s string) (s3Target, error) {
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "s3" || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return s3Target{}, fmt.Errorf("--to %q: want s3://BUCKET/PREFIX", s)
	}
	if !validBucket(u.Host) {
		// The store would refuse it too, but as a failed request (exit 3).
		return s3Target{}, fmt.Errorf("--to %q: invalid bucket name %q: want 3 to 63 lower-case letters, digits, '.' and '-', starting and ending with a letter or digit", s, u.Host)
	}
	p := strings.Trim(u.Path, "/")
	if p != "" {
		p += "/"
	}
	return s3Target{bucket: u.Host, prefix: p}, nil
}

// validBucket reports whether name follows the S3 bucket naming rules every
// S3-compatible store accepts.
func validBucket(name string) bool {
	if len(name) < 3 || len(name) > 63 {
		return false
	}
	for i, c := range name {
		alnum := c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		if !alnum && c != '.' && c != '-' || (i == 0 || i == len(name)-1) && !alnum {
			return false
		}
	}
	return true
}

func (t s3Target) key(rel string) string { return t.prefix + rel }

// newS3Client makes a client from the standard AWS configuration:
// AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL (default AWS S3 in AWS_REGION),
// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, else the
// shared credentials file's AWS_PROFILE, else the instance role.
func newS3Client(getenv func(string) string) (*minio.Client, error) {
	region := getenv("AWS_REGION")
	if region == "" {
		region = getenv("AWS_DEFAULT_REGION")
	}
	endpoint := getenv("AWS_ENDPOINT_URL_S3")
	if endpoint == "" {
		endpoint = getenv("AWS_ENDPOINT_URL")
	}
	secure, lookup := true, minio.BucketLookupAuto
	host := "s3.amazonaws.com"
	if region != "" {
		host = "s3." + region + ".amazonaws.com"
	}
	if endpoint != "" {
		u, err := url.Parse(endpoint)
		if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			return nil, errkind.Inputf("AWS_ENDPOINT_URL %q: want http(s)://HOST[:PORT]", endpoint)
		}
		host, secure, lookup = u.Host, u.Scheme == "https", minio.BucketLookupPath
	}
	var providers []credentials.Provider
	if id := getenv("AWS_ACCESS_KEY_ID"); id != "" {
		providers = append(providers, &credentials.Static{Value: credentials.Value{
			AccessKeyID: id, SecretAccessKey: getenv("AWS_SECRET_ACCESS_KEY"), SessionToken: getenv("AWS_SESSION_TOKEN"), SignerType: credentials.SignatureV4,
		}})
	}
	providers = append(providers, &credentials.FileAWSCredentials{Filename: getenv("AWS_SHARED_CREDENTIALS_FILE"), Profile: getenv("AWS_PROFILE")}, &credentials.IAM{})
	c, err := minio.New(host, &minio.Options{
		Creds: credentials.NewChainCredentials(providers), Secure: secure, Region: region, BucketLookup: lookup,
		MaxRetries: 5, // with exponential backoff and jitter (minio-go)
	})
	if err != nil {
		return nil, errkind.Wrap(errkind.Env, fmt.Errorf("object storage client: %w", err))
	}
	return c, nil
}

// storeErr classifies an error of the store: unreachable, refused or
// failing is the environment's (exit 3). Credentials are never part of it.
func storeErr(op, key string, err error) error {
	if errors.Is(err, context.Canceled) {
		return err
	}
	return errkind.Wrap(errkind.Env, fmt.Errorf("%s %s: %w", op, key, err))
}

// localSHA256 returns the sha256 (hex) and size of a file in the folder.
func localSHA256(root *os.Root, rel string, buf []byte) (string, int64, error) {
	f, err := root.Open(filepath.FromSlash(rel))
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.CopyBuffer(h, readerOnly{f}, buf)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// uploadItem is one object to send.
type uploadItem struct {
	up     Upload
	sha256 string
	size   int64
	send   bool
}

// UploadBuild sends the build in dir to the store (see the package comment
// above).
func UploadBuild(ctx context.Context, opts UploadOptions) (*UploadResult, error) {
	if opts.Getenv == nil {
		opts.Getenv = os.Getenv
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Workers <= 0 {
		opts.Workers = 8
	}
	tgt, err := parseS3URL(opts.To)
	if err != nil {
		return nil, errkind.Inputf("%w", err)
	}
	manifestFile := opts.Manifest
	if manifestFile == "" {
		manifestFile = filepath.Join(opts.Dir, DefaultManifestName)
	}
	m, err := ReadManifest(manifestFile)
	if err != nil {
		return nil, err
	}
	if m == nil {
		return nil, inputAt(manifestFile, "no manifest in the folder: run hash-assets first")
	}
	root, err := os.OpenRoot(opts.Dir)
	if err != nil {
		return nil, inputAt(opts.Dir, fmt.Sprintf("output folder: %v", err))
	}
	defer root.Close()
	client, err := newS3Client(opts.Getenv)
	if err != nil {
		return nil, err
	}
	res := &UploadResult{To: opts.To, Build: m.Build, Deleted: []string{}, DryRun: opts.DryRun}
	plan := NewPlan(m, opts.Dir, manifestFile)
	if rel, err := filepath.Rel(opts.Dir, manifestFile); err != nil || !filepath.IsLocal(rel) {
		return nil, inputAt(manifestFile, "upload needs the manifest inside the output folder")
	}
	// Local digests: the manifest's for assets, computed for the rest.
	known := map[string]Asset{}
	for _, a := range m.Assets {
		known[a.Path] = a
	}
	items := make([]*uploadItem, len(plan.Uploads))
	buf := make([]byte, copyBufSize)
	for i, u := range plan.Uploads {
		it := &uploadItem{up: u}
		if a, ok := known[u.Path]; ok {
			it.sha256, it.size = a.SHA256, a.Size
		} else if it.sha256, it.size, err = localSHA256(root, u.Path, buf); err != nil {
			return nil, envErr(fmt.Errorf("read %s: %w", u.Path, err))
		}
		items[i] = it
	}
	// What the store already has: one HEAD per object.
	err = each(ctx, len(items), opts.Workers, func(ctx context.Context, i int) error {
		it := items[i]
		info, err := client.StatObject(ctx, tgt.bucket, tgt.key(it.up.Path), minio.StatObjectOptions{})
		if err != nil {
			if minio.ToErrorResponse(err).StatusCode == 404 || minio.ToErrorResponse(err).Code == "NoSuchKey" {
				it.send = true
				return nil
			}
			return storeErr("check", tgt.key(it.up.Path), err)
		}
		it.send = info.UserMetadata["Dsctl-Sha256"] != it.sha256 || info.Size != it.size
		return nil
	})
	if err != nil {
		return nil, err
	}
	var total int64
	files := 0
	for _, it := range items {
		if it.send {
			total += it.size
			files++
		}
	}
	if opts.Started != nil {
		opts.Started(files, total)
	}
	// Three groups in order: hashed files, pages, the manifest; each group
	// side by side, the next only once the one before is complete.
	groups := [][]*uploadItem{}
	last := ""
	for _, it := range items {
		g := "hashed"
		switch {
		case it.up.CacheControl == CacheShort:
			g = "pages"
		case it.up.CacheControl == CacheManifest:
			g = "manifest"
		}
		if g != last {
			groups = append(groups, nil)
			last = g
		}
		groups[len(groups)-1] = append(groups[len(groups)-1], it)
	}
	for _, group := range groups {
		err := each(ctx, len(group), opts.Workers, func(ctx context.Context, i int) error {
			it := group[i]
			if !it.send || opts.DryRun {
				return nil
			}
			f, err := root.Open(filepath.FromSlash(it.up.Path))
			if err != nil {
				return envErr(fmt.Errorf("read %s: %w", it.up.Path, err))
			}
			defer f.Close()
			var r io.Reader = f
			if opts.Progress != nil {
				r = &progressReader{r: f, progress: opts.Progress}
			}
			_, err = client.PutObject(ctx, tgt.bucket, tgt.key(it.up.Path), r, it.size, minio.PutObjectOptions{
				ContentType: it.up.ContentType, CacheControl: it.up.CacheControl, ContentEncoding: it.up.ContentEncoding,
				UserMetadata: map[string]string{"dsctl-sha256": it.sha256}, SendContentMd5: true, DisableMultipart: it.size < 64<<20,
				// A signed but not chunked body: some stores (Versity) keep
				// "aws-chunked" in the object's Content-Encoding otherwise.
				DisableContentSha256: true,
			})
			if err != nil {
				return storeErr("upload", tgt.key(it.up.Path), err)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if opts.DryRun {
		res.WouldUpload = &WouldUpload{WouldDelete: []string{}}
	}
	for _, it := range items {
		switch {
		case !it.send:
			res.Skipped++
		case opts.DryRun:
			res.WouldUpload.WouldUpload++
			res.WouldBytes += it.size
		default:
			res.Uploaded++
			res.Bytes += it.size
		}
	}
	// Pruning: only what clean would delete locally, after the new build is
	// complete in the store; files of any retained build are never named.
	if opts.Prune != nil {
		pm := *m
		pm.Previous = map[string][]PreviousAsset{}
		for k, v := range m.Previous {
			pm.Previous[k] = append([]PreviousAsset(nil), v...)
		}
		for _, rel := range Prune(&pm, opts.Dir, opts.Prune.Keep, opts.Prune.KeepAge, opts.Now()) {
			if !safeRel(rel) {
				continue
			}
			if opts.DryRun {
				res.WouldDelete = append(res.WouldDelete, rel)
				continue
			}
			res.Deleted = append(res.Deleted, rel)
			if err := client.RemoveObject(ctx, tgt.bucket, tgt.key(rel), minio.RemoveObjectOptions{}); err != nil && minio.ToErrorResponse(err).StatusCode != 404 {
				return nil, storeErr("delete", tgt.key(rel), err)
			}
		}
	}
	return res, nil
}

// progressReader reports the bytes read through it.
type progressReader struct {
	r        io.Reader
	progress func(int64)
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		p.progress(int64(n))
	}
	return n, err
}

// VerifyRemote checks the objects of a build in the store: every file of the
// upload plan must be there with the bytes of the local file (its sha256
// computed from the object's content, not from its metadata).
func VerifyRemote(ctx context.Context, dir, manifestFile, to string, getenv func(string) string) (*VerifyReport, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	tgt, err := parseS3URL(to)
	if err != nil {
		return nil, errkind.Inputf("%w", err)
	}
	if manifestFile == "" {
		manifestFile = filepath.Join(dir, DefaultManifestName)
	}
	m, err := ReadManifest(manifestFile)
	if err != nil {
		return nil, err
	}
	if m == nil {
		return nil, inputAt(manifestFile, "no manifest in the folder")
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, inputAt(dir, fmt.Sprintf("output folder: %v", err))
	}
	defer root.Close()
	client, err := newS3Client(getenv)
	if err != nil {
		return nil, err
	}
	plan := NewPlan(m, dir, manifestFile)
	r := &VerifyReport{Manifest: to + " (" + filepath.ToSlash(manifestFile) + ")", Build: m.Build, Mismatches: []Mismatch{}}
	problems := make([]string, len(plan.Uploads))
	err = each(ctx, len(plan.Uploads), 8, func(ctx context.Context, i int) error {
		u := plan.Uploads[i]
		buf := make([]byte, 64<<10)
		want, _, err := localSHA256(root, u.Path, buf)
		if err != nil {
			return envErr(fmt.Errorf("read %s: %w", u.Path, err))
		}
		obj, err := client.GetObject(ctx, tgt.bucket, tgt.key(u.Path), minio.GetObjectOptions{})
		if err != nil {
			return storeErr("read", tgt.key(u.Path), err)
		}
		defer obj.Close()
		h := sha256.New()
		if _, err := io.CopyBuffer(h, obj, buf); err != nil {
			if minio.ToErrorResponse(err).StatusCode == 404 {
				problems[i] = "missing in the store"
				return nil
			}
			return storeErr("read", tgt.key(u.Path), err)
		}
		if got := hex.EncodeToString(h.Sum(nil)); got != want {
			problems[i] = fmt.Sprintf("the object's sha256 %s is not the file's %s", got[:16], want[:16])
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i, u := range plan.Uploads {
		r.Checked++
		if problems[i] != "" {
			r.Mismatches = append(r.Mismatches, Mismatch{Asset: u.Path, Path: path.Join(tgt.prefix, u.Path), Problem: problems[i]})
		}
	}
	r.countFailed()
	return r, nil
}
