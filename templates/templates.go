// Package templates holds dsctl's embedded templates; Contract is the
// scaffold `dsctl contract init` writes (text/template files ending in .tmpl,
// whose paths may use {{.EventFile}}).
package templates

import "embed"

// Contract is the contract package scaffold.
//
//go:embed contract
var Contract embed.FS
