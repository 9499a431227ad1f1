// README "Vue": prove-verify/vue adds <prove-verify> to Vue's GlobalComponents.
import type {} from 'prove-verify/vue';
