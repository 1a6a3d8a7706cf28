package localworker

// SetFreePort replaces how ports are picked, for a test; it returns the
// previous way.
func SetFreePort(f func() (int, error)) func() (int, error) {
	old := freePort
	freePort = f
	return old
}
