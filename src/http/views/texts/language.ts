import { defineTexts } from './define';

/** What a screen reader hears after the language switch: the page now speaks the chosen language. */
export const languageTexts = defineTexts({ switched: 'The page is now in English.' }, { switched: 'Halaman sekarang dalam bahasa Indonesia.' });
