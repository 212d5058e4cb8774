const { src, dest } = require('gulp');

// tsc emits only JavaScript and the JSON it imports; n8n also needs the
// node and credential icons next to the compiled files.
function buildAssets() {
	return src(['nodes/**/*.{png,svg}', 'credentials/**/*.{png,svg}', 'icons/**/*.{png,svg}'], {
		base: '.',
		encoding: false,
	}).pipe(dest('dist'));
}

exports['build:assets'] = buildAssets;
