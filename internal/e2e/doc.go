// Package e2e checks generated projects the way Docker, Compose and Django would.
package e2e
