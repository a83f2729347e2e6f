// The reader's grammar for .dmm source: s-expressions whose map literals are V-values.
// The parse tree is turned into forms with source spans by dmm.lang.Reader.
grammar Dmm;


file    : item* EOF ;

// an item is a form, or a form commented out with #_
item    : form
        | discard
        ;

discard : DISCARD discard* form ;   // #_ #_ a b discards both a and b, as in Clojure

form    : LPAREN item* RPAREN       # list
        | LBRACK item* RBRACK       # vector
        | LBRACE item* RBRACE       # map
        | QUOTE item                # quote
        | NUMBER                    # number
        | STRING                    # string
        | KEYWORD                   # keyword
        | SYMBOL                    # symbol
        ;

LPAREN  : '(' ;
RPAREN  : ')' ;
LBRACK  : '[' ;
RBRACK  : ']' ;
LBRACE  : '{' ;
RBRACE  : '}' ;
QUOTE   : '\'' ;
DISCARD : '#_' ;

NUMBER  : [+-]? ( DIGITS ( '.' DIGITS? )? | '.' DIGITS ) EXPONENT?
        | '##Inf' | '##-Inf'
        ;

STRING  : '"' ( ESCAPE | ~["\\] )* '"' ;

// Malformed strings and block comments are tokens too, so the reader can say what is wrong and
// the REPL can tell input that ends inside a string or comment (it continues on the next line).
// Each matches only where STRING or BLOCK_COMMENT cannot: the lexer takes the longest match.
// A string the input ends in (a backslash at the very end escapes nothing):
UNTERMINATED_STRING : '"' ( ESCAPE | ~["\\] )* '\\'? EOF ;
// A string up to and including its first malformed escape (the last character or characters of the token):
BAD_ESCAPE          : '"' ( ESCAPE | ~["\\] )* '\\' ( ~["\\/nrtbfu] | 'u' HEX? HEX? HEX? ) ;

KEYWORD : ':' SYMBOL_START SYMBOL_CHAR* ;

SYMBOL  : SYMBOL_START SYMBOL_CHAR*
        | '.' SYMBOL_CHAR*
        ;

// comments go to the hidden channel: the reader skips them, the REPL's highlighting shows them
LINE_COMMENT  : ';' ~[\r\n]* -> channel(HIDDEN) ;
BLOCK_COMMENT : '#|' .*? '|#' -> channel(HIDDEN) ;
// a block comment the input ends in: no `|#` after the `#|`
UNTERMINATED_COMMENT : '#|' ( ~'|' | '|'+ ~[|#] )* '|'* EOF ;
// commas are whitespace, as in Clojure: (neurons a accum, b accum)
WHITESPACE    : [ \t\r\n\f,]+ -> skip ;

fragment DIGITS       : [0-9]+ ;
fragment EXPONENT     : [eE] [+-]? DIGITS ;
fragment ESCAPE       : '\\' ( ["\\/nrtbf] | 'u' HEX HEX HEX HEX ) ;
fragment HEX          : [0-9a-fA-F] ;
fragment SYMBOL_START : [a-zA-Z*+!\-_?<>=/&%$] ;
fragment SYMBOL_CHAR  : SYMBOL_START | [0-9.'#] ;
