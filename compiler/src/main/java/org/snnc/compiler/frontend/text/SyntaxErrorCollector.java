package org.snnc.compiler.frontend.text;

import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.snnc.compiler.diag.DiagnosticBag;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;

/** Reports ANTLR's lexer and parser errors as E0101 diagnostics instead of printing them to stderr. */
final class SyntaxErrorCollector extends BaseErrorListener {

    private final String file;
    private final DiagnosticBag diagnostics;

    SyntaxErrorCollector(String file, DiagnosticBag diagnostics) {
        this.file = file;
        this.diagnostics = diagnostics;
    }

    @Override
    public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line, int charPositionInLine,
            String msg, RecognitionException e) {
        diagnostics.report(DiagnosticCode.SYNTAX_ERROR, new SourceSpan(file, line, charPositionInLine + 1), msg);
    }
}
