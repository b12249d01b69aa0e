package output

import (
	"io"

	"github.com/schollz/progressbar/v3"
)

// Progress reports progress of long work. It draws on stderr only when stderr
// is a terminal and the run is not quiet; otherwise every method is a no-op.
type Progress struct {
	bar *progressbar.ProgressBar
}

// NewProgress returns a progress bar over total units (bytes when bytes is true).
func (s *Streams) NewProgress(total int64, desc string, bytes bool) *Progress {
	if !s.ErrTTY || s.Quiet || total <= 0 {
		return &Progress{}
	}
	opts := []progressbar.Option{
		progressbar.OptionSetWriter(s.progressWriter()),
		progressbar.OptionSetDescription(Escape(desc)),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(65_000_000),
		progressbar.OptionShowCount(),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetPredictTime(false),
		progressbar.OptionOnCompletion(func() {}),
	}
	if bytes {
		opts = append(opts, progressbar.OptionShowBytes(true))
	}
	if s.Color {
		opts = append(opts, progressbar.OptionEnableColorCodes(true))
	}
	return &Progress{bar: progressbar.NewOptions64(total, opts...)}
}

// Add advances the bar by n units; safe for concurrent use.
func (p *Progress) Add(n int64) {
	if p == nil || p.bar == nil {
		return
	}
	_ = p.bar.Add64(n)
}

// Finish clears the bar.
func (p *Progress) Finish() {
	if p == nil || p.bar == nil {
		return
	}
	_ = p.bar.Finish()
	_ = p.bar.Clear()
}

// Writer returns a writer that advances the bar by the bytes written through it.
func (p *Progress) Writer() io.Writer {
	if p == nil || p.bar == nil {
		return io.Discard
	}
	return p.bar
}

// progressWriter is stderr as the bar draws on it: unescaped (it redraws with
// carriage returns), for a description that Escape made safe.
func (s *Streams) progressWriter() io.Writer {
	if s.rawErr != nil {
		return s.rawErr
	}
	return s.Err
}
