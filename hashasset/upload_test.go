package hashasset

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/dsctl/dsctl/internal/errkind"
)

// startS3 starts a real S3 implementation, Versity Gateway over a posix
// folder, on loopback, with a bucket; without the versitygw binary the test
// is skipped, unless DSCTL_REQUIRE_S3=1 (CI), where it fails.
func startS3(t *testing.T) (getenv func(string) string, client *minio.Client, bucket string) {
	t.Helper()
	bin, err := exec.LookPath("versitygw")
	if err != nil {
		if gp := filepath.Join(os.Getenv("HOME"), "go", "bin", "versitygw"); fileExists(gp) {
			bin, err = gp, nil
		}
	}
	if err != nil {
		if os.Getenv("DSCTL_REQUIRE_S3") == "1" {
			t.Fatal("versitygw not found and DSCTL_REQUIRE_S3=1")
		}
		t.Skip("versitygw not installed (go install github.com/versity/versitygw/cmd/versitygw@v1.8.0)")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	dir := t.TempDir()
	cmd := exec.Command(bin, "--access", "testkey", "--secret", "testsecret-do-not-print", "--port", addr, "posix", dir)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	env := map[string]string{
		"AWS_ACCESS_KEY_ID": "testkey", "AWS_SECRET_ACCESS_KEY": "testsecret-do-not-print",
		"AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": "http://" + addr,
	}
	getenv = func(k string) string { return env[k] }
	client, err = minio.New(addr, &minio.Options{Creds: credentials.NewStaticV4("testkey", "testsecret-do-not-print", ""), Region: "us-east-1", BucketLookup: minio.BucketLookupPath})
	if err != nil {
		t.Fatal(err)
	}
	bucket = "site"
	deadline := time.Now().Add(30 * time.Second)
	for {
		err = client.MakeBucket(context.Background(), bucket, minio.MakeBucketOptions{Region: "us-east-1"})
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("versitygw did not come up: %v\n%s", err, logs.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
	return getenv, client, bucket
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// TestUploadToS3 runs the upload against Versity Gateway: the right headers
// and order, a second upload sends nothing, an upload cut short and rerun ends
// complete, verify --remote catches a tampered object, --prune deletes only
// what clean would, and an unreachable store is an environment error.
func TestUploadToS3(t *testing.T) {
	getenv, client, bucket := startS3(t)
	ctx := context.Background()
	dir := t.TempDir()
	src, out := filepath.Join(dir, "src"), filepath.Join(dir, "out")
	writeTree(t, src, map[string]string{
		"index.html":   `<link href="css/site.css"><img src="img/a.png">` + strings.Repeat("<p>compressible</p>", 30),
		"css/site.css": strings.Repeat("a { background: url(../img/a.png) }\n", 20),
		"img/a.png":    "png bytes",
	})
	build(t, Options{Src: src, Out: out, Precompress: "gzip,br"})
	to := "s3://" + bucket + "/assets"
	up := func(o UploadOptions) *UploadResult {
		t.Helper()
		o.Dir, o.To, o.Getenv = out, to, getenv
		res, err := UploadBuild(ctx, o)
		if err != nil {
			t.Fatalf("upload: %v", err)
		}
		return res
	}
	res := up(UploadOptions{DryRun: true})
	if res.Uploaded != 0 || res.Bytes != 0 || res.Skipped != 0 || res.WouldUpload == nil || res.WouldUpload.WouldUpload != 8 || res.WouldBytes == 0 {
		t.Fatalf("dry run: %+v %+v", res, res.WouldUpload)
	}
	if _, err := client.StatObject(ctx, bucket, "assets/index.html", minio.StatObjectOptions{}); err == nil {
		t.Fatal("a dry run uploaded")
	}
	res = up(UploadOptions{})
	if res.Uploaded != 8 || res.Bytes == 0 {
		t.Fatalf("first upload: %+v", res)
	}
	m := readManifest(t, out)
	css := m.Assets["css/site.css"].Path
	for key, want := range map[string][3]string{
		"assets/" + css:                        {CacheImmutable, "text/css; charset=utf-8", ""},
		"assets/" + css + ".br":                {CacheImmutable, "text/css; charset=utf-8", "br"},
		"assets/index.html.gz":                 {CacheShort, "text/html; charset=utf-8", "gzip"},
		"assets/assets-manifest.json":          {CacheManifest, "application/json", ""},
		"assets/" + m.Assets["img/a.png"].Path: {CacheImmutable, "image/png", ""},
	} {
		info, err := client.StatObject(ctx, bucket, key, minio.StatObjectOptions{})
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		if info.Metadata.Get("Cache-Control") != want[0] || info.ContentType != want[1] || info.Metadata.Get("Content-Encoding") != want[2] {
			t.Errorf("%s: cache %q type %q encoding %q, want %q", key, info.Metadata.Get("Cache-Control"), info.ContentType, info.Metadata.Get("Content-Encoding"), want)
		}
	}
	// Idempotent: nothing is sent again.
	if res := up(UploadOptions{}); res.Uploaded != 0 || res.Skipped != 8 {
		t.Fatalf("second upload: %+v", res)
	}
	rep, err := VerifyRemote(ctx, out, "", to, getenv)
	if err != nil || !rep.OK() || rep.Checked != 8 {
		t.Fatalf("verify --remote: %v %+v", err, rep)
	}
	// An upload cut short (some objects gone, one half-written by another
	// tool) ends complete when run again.
	client.RemoveObject(ctx, bucket, "assets/index.html", minio.RemoveObjectOptions{})
	client.RemoveObject(ctx, bucket, "assets/assets-manifest.json", minio.RemoveObjectOptions{})
	client.PutObject(ctx, bucket, "assets/"+css, strings.NewReader("half"), 4, minio.PutObjectOptions{})
	if res := up(UploadOptions{}); res.Uploaded != 3 {
		t.Fatalf("resumed upload: %+v", res)
	}
	if rep, err := VerifyRemote(ctx, out, "", to, getenv); err != nil || !rep.OK() {
		t.Fatalf("verify after resume: %v %+v", err, rep)
	}
	// A tampered object, its metadata kept, is caught by its content.
	info, _ := client.StatObject(ctx, bucket, "assets/"+css, minio.StatObjectOptions{})
	client.PutObject(ctx, bucket, "assets/"+css, strings.NewReader(strings.Repeat("x", int(info.Size))), info.Size, minio.PutObjectOptions{UserMetadata: map[string]string{"dsctl-sha256": m.Assets["css/site.css"].SHA256}})
	rep, err = VerifyRemote(ctx, out, "", to, getenv)
	if err != nil || len(rep.Mismatches) != 1 || rep.Mismatches[0].Asset != css {
		t.Fatalf("verify --remote of a tampered object: %v %+v", err, rep)
	}

	// A second build; --prune --keep 0 deletes the first build's changed
	// files, nothing of the current one.
	writeTree(t, src, map[string]string{"img/a.png": "new png bytes"})
	oldPng := m.Assets["img/a.png"].Path
	build(t, Options{Src: src, Out: out, Precompress: "gzip,br"})
	res = up(UploadOptions{Prune: &Retention{Keep: 0}, DryRun: true})
	if len(res.Deleted) != 0 || res.WouldUpload == nil || !strings.Contains(strings.Join(res.WouldDelete, " "), oldPng) {
		t.Fatalf("dry-run prune: deleted %v, would delete %+v, want %s among the latter", res.Deleted, res.WouldUpload, oldPng)
	}
	if _, err := client.StatObject(ctx, bucket, "assets/"+oldPng, minio.StatObjectOptions{}); err != nil {
		t.Fatalf("a dry-run prune deleted %s: %v", oldPng, err)
	}
	res = up(UploadOptions{Prune: &Retention{Keep: 0}})
	if len(res.Deleted) == 0 || !strings.Contains(strings.Join(res.Deleted, " "), oldPng) {
		t.Fatalf("prune deleted %v, want %s among them", res.Deleted, oldPng)
	}
	if _, err := client.StatObject(ctx, bucket, "assets/"+oldPng, minio.StatObjectOptions{}); err == nil {
		t.Error("the pruned file is still in the store")
	}
	if rep, err := VerifyRemote(ctx, out, "", to, getenv); err != nil || !rep.OK() {
		t.Fatalf("verify after prune: %v %+v", err, rep)
	}

	// Unreachable: an environment error (exit 3), no secret in it.
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := l.Addr().String()
	l.Close()
	_, err = UploadBuild(ctx, UploadOptions{Dir: out, To: to, Getenv: func(k string) string {
		if k == "AWS_ENDPOINT_URL" {
			return "http://" + dead
		}
		return getenv(k)
	}})
	if errkind.Of(err) != errkind.Env || strings.Contains(fmt.Sprint(err), "testsecret") {
		t.Fatalf("unreachable store: %v", err)
	}
}
