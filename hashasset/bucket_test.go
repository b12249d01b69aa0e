package hashasset

import (
	"strings"
	"testing"
)

func TestParseS3URLBucketNames(t *testing.T) {
	for bucket, ok := range map[string]bool{
		"site": true, "my-bucket.assets": true, "a1b": true, strings.Repeat("a", 63): true,
		"b": false, "ab": false, strings.Repeat("a", 64): false, "My-Bucket": false,
		"-site": false, "site-": false, "site.": false, "my_bucket": false,
	} {
		_, err := parseS3URL("s3://" + bucket + "/p")
		if (err == nil) != ok {
			t.Errorf("bucket %q: err %v, want ok=%v", bucket, err, ok)
		}
	}
}
