import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

// zod/mini ships without messages ("Invalid input" for everything). The English locale alone
// (~3 KB) makes config problems and request validation issues say what is wrong.
z.config(en());
