package org.snnc.compiler.frontend.text;

import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.Lexer;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.snnc.compiler.diag.DiagnosticBag;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;

/**
 * Reports ANTLR's errors as E0101 diagnostics instead of printing them to stderr. Every lexer error is reported, since
 * each bad character stands alone. Of the parser's errors only the first is, and none after a lexer error: ANTLR's
 * recovery then reports the same mistake again at each following token, which would bury the real one.
 */
final class SyntaxErrorCollector extends BaseErrorListener {

    private final String file;
    private final DiagnosticBag diagnostics;
    private boolean reported;

    SyntaxErrorCollector(String file, DiagnosticBag diagnostics) {
        this.file = file;
        this.diagnostics = diagnostics;
    }

    @Override
    public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line, int charPositionInLine,
            String msg, RecognitionException e) {
        if (reported && !(recognizer instanceof Lexer)) {
            return;
        }
        reported = true;
        diagnostics.report(DiagnosticCode.SYNTAX_ERROR, new SourceSpan(file, line, charPositionInLine + 1), msg);
    }
}
