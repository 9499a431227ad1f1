import commonjs from '@rollup/plugin-commonjs';
import resolve from '@rollup/plugin-node-resolve';

export default {
  input: 'src/main.js',
  output: {
    dir: 'public/build',
    format: 'es',
  },
  plugins: [resolve({ browser: true }), commonjs()],
};
