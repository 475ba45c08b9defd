// thaw's CloudEvents kind, binary mode: the same work as the web handler's — an event without
// data is answered with a text event, an event with JSON data with an event carrying it back.
import { cloudEvent, serve } from '@thaw/runtime';

serve(
  cloudEvent((event) => ({
    type: 'com.example.echo.reply',
    source: '/warm-path',
    ...(event.data === undefined
      ? { datacontenttype: 'text/plain', data: 'Hello World!\n' }
      : { datacontenttype: 'application/json', data: event.data }),
  })),
  { host: '127.0.0.1', startupReport: 'off' },
);
