import 'prove-verify';
