import Foundation
// expect-error: 1:1: 'import' is not supported in cells; every built-in is already available; remove this line
