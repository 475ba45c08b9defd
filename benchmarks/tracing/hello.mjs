// The function under test in every variant: thaw's hello. Whether and how it is traced is
// decided by the variant's command line and environment, never by this file.
import { serve } from '@thaw/runtime';

serve(() => new Response('hello'));
