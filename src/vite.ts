/**
 * `prove-verify/vite`: tells @vitejs/plugin-vue that `<prove-verify>` is a custom element, so a
 * Vue app needs no `template.compilerOptions.isCustomElement` of its own.
 *
 * ```ts
 * import vue from '@vitejs/plugin-vue';
 * import proveVerify from 'prove-verify/vite';
 * export default defineConfig({ plugins: [vue(), proveVerify()] });
 * ```
 *
 * Node-side and types only: nothing here imports vite or the Vue plugin at run time. Nothing else
 * is needed for Vite: the element's lazy files (the flow, each numbering plan, Prove's SDK) are
 * reached through static `import()` calls that Vite's dependency optimizer and its build follow.
 */
import type { Api as VuePluginApi } from '@vitejs/plugin-vue';
import type { Plugin } from 'vite';

const TAG = 'prove-verify';

/**
 * The Vite plugin. It edits the Vue plugin's options once the config is resolved, the moment
 * every plugin exists, so it works listed before or after `vue()`; the Vue plugin's own
 * `configResolved` keeps the template options it finds (vuetify's Vite plugin reads them the
 * same way). An `isCustomElement` already set still answers for its own tags.
 */
export default function proveVerify(): Plugin {
  return {
    name: 'prove-verify',
    configResolved(config) {
      const vue = config.plugins.find((plugin) => plugin.name === 'vite:vue')?.api as VuePluginApi | undefined;
      if (!vue) {
        config.logger.warn(
          `prove-verify/vite: no @vitejs/plugin-vue in this config, so nothing to do (only Vue's templates need telling that <${TAG}> is an element)`,
        );
        return;
      }
      const { options } = vue;
      const theirs = options.template?.compilerOptions?.isCustomElement;
      vue.options = {
        ...options,
        template: {
          ...options.template,
          compilerOptions: {
            ...options.template?.compilerOptions,
            isCustomElement: (tag) => tag === TAG || Boolean(theirs?.(tag)),
          },
        },
      };
    },
  };
}
