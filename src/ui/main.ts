// The app shell. The full app (loading, review, preview, saving) is built on the engine in issue 3.
const app = document.getElementById('app');
if (app) app.dataset.ready = 'true';
