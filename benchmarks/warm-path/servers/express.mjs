// Bare Express.
import { expressApp } from './express-app.mjs';

expressApp().listen(Number(process.env.PORT), '127.0.0.1');
