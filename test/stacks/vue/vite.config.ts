// docs/frameworks.md "Vue", block 1.
import vue from '@vitejs/plugin-vue';
import proveVerify from 'prove-verify/vite';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [vue(), proveVerify()],
});
